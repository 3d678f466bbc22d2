#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""sysfs_write.py PATH VALUE: write VALUE to PATH in one write(2) and print
OK or the errno name (ENOENT, EOPNOTSUPP, ...). Runs in the lab guest."""
import errno
import os
import sys

fd = os.open(sys.argv[1], os.O_WRONLY)
try:
    os.write(fd, sys.argv[2].encode())
    print('OK')
except OSError as e:
    # errno 95 has two names; the kernel's is EOPNOTSUPP
    name = errno.errorcode.get(e.errno, str(e.errno))
    print('EOPNOTSUPP' if e.errno == errno.EOPNOTSUPP else name)
finally:
    os.close(fd)
