#locale C.UTF-8
--load $FIXTURES/crio.json -w 160 -o PID,ROLE,NS,CGROUP,COMMAND
