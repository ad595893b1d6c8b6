/**
 * Preloaded into a tradebot child (NODE_OPTIONS=--require ...) by tests whose failure would send
 * it to a real exchange (a bot that forgot its --exchange-url goes to the production URL): any
 * connection to a host other than loopback fails at once, as a dropped connection does.
 */
'use strict';
const net = require('node:net');

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);
const connect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function guardedConnect(...args) {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  const opts = first !== null && typeof first === 'object' ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  // a unix socket has a path and no port (HTTP request options carry a URL path too)
  if (!(typeof opts.path === 'string' && opts.port === undefined)) {
    const host = opts.host ?? 'localhost';
    if (!LOOPBACK.has(host)) {
      process.nextTick(() => this.destroy(Object.assign(new Error(`loopback-only: connection to ${host} refused by the test`), { code: 'ECONNREFUSED' })));
      return this;
    }
  }
  return connect.apply(this, args);
};
