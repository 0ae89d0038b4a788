#locale C.UTF-8
--load $FIXTURES/docker-20.10.json -w 160 7903
