# Manual pages, installed by the top Makefile's install target.
MANPAGES += man/ctrtree.1 man/ctrtree-json.5 man/nsenter-lite.1 man/ctrtree-probes.7 man/ctrtop.1
