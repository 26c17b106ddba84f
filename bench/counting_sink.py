"""An SMTP sink for the benchmarks: ``python bench/counting_sink.py PORT LOG``.

It keeps no message, only the Message-ID of each, appended to LOG (one a line, written
at once, so the bench can count them while it runs). It runs in its own process so that
its CPU is not taken from the process measured.
"""

from __future__ import annotations

import signal
import sys
import threading

from aiosmtpd.controller import Controller


class CountingHandler:
    def __init__(self, log) -> None:
        self.log = log

    async def handle_DATA(self, server, session, envelope) -> str:
        content = envelope.original_content or envelope.content
        header = content.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ")
        found = [
            line.split(b":", 1)[1].strip().decode()
            for line in header.split(b"\r\n")
            if line.lower().startswith(b"message-id:")
        ]
        self.log.write((found[0] if found else "-") + "\n")
        self.log.flush()
        return "250 Message accepted for delivery"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with open(path, "a", encoding="ascii") as log:
        controller = Controller(CountingHandler(log), hostname="127.0.0.1", port=port)
        controller.start()
        stop.wait()
        controller.stop()


if __name__ == "__main__":
    main()
