#locale C.UTF-8
--load $FIXTURES/lxc.json -w 160 -o PID,ROLE,NS,CGROUP,COMMAND
