#locale C.UTF-8
--load $FIXTURES/host-basic.json -w 100
