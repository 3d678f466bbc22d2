#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The Python example of Documentation/ring.rst: answers every request of
ring NAME with a greeting that names its path and the client.

    ndivctl ring add api
    ndivctl slhttpd offload add prefix /py/ ring api
    hello_daemon.py api &
    curl http://<address>/py/world      -> hello world from 198.18.0.1
"""
import sys

import ndiv


def main():
    with ndiv.Ring(sys.argv[1]) as ring:
        for req in ring.requests():
            who = req.path.rsplit("/", 1)[-1] or "there"
            body = "hello %s from %s\n" % (who, req.client)
            ring.respond(req, 200, body.encode(),
                         headers=[("Content-Type", "text/plain")])


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
