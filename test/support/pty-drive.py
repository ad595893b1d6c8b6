"""
Runs a command on a real pseudo-terminal (80x24) and answers it like a person: waits for each
expected text in what the command printed, then types the answer. Prints one JSON line:
{"output": ..., "code": ..., "answered": <number of answers typed>}. Used by test/support/pty.ts.

argv[1]: JSON {"argv": [...], "steps": [{"wait": regex, "send": text}], "timeout": seconds}
"""
import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(spec["argv"][0], spec["argv"])

fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
out = b""
seen = 0  # each step waits for text printed after the previous answer
steps = spec.get("steps", [])
answered = 0
deadline = time.time() + spec.get("timeout", 60)
killed = False
while True:
    if time.time() > deadline:
        os.kill(pid, signal.SIGKILL)
        killed = True
    ready, _, _ = select.select([fd], [], [], 0.05)
    if ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            break
        out += data
    if answered < len(steps):
        text = out.decode("utf8", "replace")
        m = re.search(steps[answered]["wait"], text[seen:])
        if m:
            seen += m.end()
            os.write(fd, steps[answered]["send"].encode())
            answered += 1

_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
print(json.dumps({"output": out.decode("utf8", "replace"), "code": code, "answered": answered, "timedOut": killed}))
