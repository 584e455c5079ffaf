"""A local SMTP server for Priemna's tests.

Runs aiosmtpd on 127.0.0.1:PORT and keeps every message it accepts in OUT as N.eml, with a
summary N.json parsed by Python's own e-mail package — an implementation independent of the
Rust code that wrote the message: decoded headers (RFC 2047), the raw header lines, the plain
text and HTML bodies, and each attachment (saved as N-FILENAME, with its SHA-256).

    python sink.py --port 2525 --out DIR [--fail-first N]

--fail-first N answers the first N messages with a temporary failure (451), to test retries.
Prints READY when listening; stops on SIGTERM or SIGINT.
"""
import argparse
import hashlib
import json
import os
import signal
import threading
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, fail_first):
        self.out = out
        self.fail_first = fail_first
        self.lock = threading.Lock()
        self.count = len([f for f in os.listdir(out) if f.endswith(".json")])

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_first > 0:
                self.fail_first -= 1
                return "451 4.3.0 Try again later (test)"
            self.count += 1
            n = self.count
        raw = envelope.original_content or envelope.content
        path = os.path.join(self.out, f"{n:04}")
        with open(path + ".eml", "wb") as f:
            f.write(raw)
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "raw_headers": head.decode("ascii", errors="replace"),
            "headers": {k.lower(): str(v) for k, v in msg.items()},
            "content_type": msg.get_content_type(),
            "text": None,
            "html": None,
            "attachments": [],
        }
        plain = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        if plain is not None:
            summary["text"] = plain.get_content()
        if html is not None:
            summary["html"] = html.get_content()
        for part in msg.iter_attachments():
            data = part.get_content()
            if isinstance(data, str):
                data = data.encode()
            name = part.get_filename() or "attachment"
            saved = f"{path}-{name}"
            with open(saved, "wb") as f:
                f.write(data)
            summary["attachments"].append({
                "filename": name,
                "content_type": part.get_content_type(),
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "path": saved,
            })
        tmp = path + ".json.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False)
        os.replace(tmp, path + ".json")
        return f"250 OK queued as {n}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    controller = Controller(
        Sink(args.out, args.fail_first), hostname="127.0.0.1", port=args.port
    )
    controller.start()
    print("READY", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
