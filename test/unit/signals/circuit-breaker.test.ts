import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/signals/circuit-breaker.js';

describe("the signal service's circuit breaker", () => {
  it('opens after 5 failures in a row and lets nothing out for 30 s', () => {
    const b = new CircuitBreaker();
    for (let i = 0; i < 4; i++) b.failure(1000);
    expect(b.state).toBe('closed');
    b.success(); // an answer resets the count
    for (let i = 0; i < 4; i++) b.failure(1000);
    expect(b.state).toBe('closed');
    b.failure(2000);
    expect(b.state).toBe('open');
    expect(b.allow(2000 + 29_999)).toBe(false);
    expect(b.reopensAt).toBe(32_000);
  });

  it('half-opens after 30 s and closes after 3 answers in a row', () => {
    const b = new CircuitBreaker();
    for (let i = 0; i < 5; i++) b.failure(0);
    expect(b.allow(30_000)).toBe(true);
    expect(b.state).toBe('half-open');
    b.success();
    b.success();
    expect(b.state).toBe('half-open');
    b.success();
    expect(b.state).toBe('closed');
  });

  it('a failure while half-open opens it again for another 30 s', () => {
    const b = new CircuitBreaker();
    for (let i = 0; i < 5; i++) b.failure(0);
    b.allow(30_000);
    b.success();
    b.failure(31_000);
    expect(b.state).toBe('open');
    expect(b.allow(60_000)).toBe(false);
    expect(b.allow(61_000)).toBe(true);
  });
});
