#locale C.UTF-8
--load $FIXTURES/runc-direct.json -w 160 -o PID,ROLE,NS,CGROUP,COMMAND
