#locale C.UTF-8
--load $FIXTURES/podman.json -w 160 -o PID,ROLE,NS,CGROUP,COMMAND
