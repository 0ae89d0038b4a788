#locale C.UTF-8
--load $FIXTURES/docker-17.06.json -w 160 -o PID,ROLE,NS,CGROUP,COMMAND
