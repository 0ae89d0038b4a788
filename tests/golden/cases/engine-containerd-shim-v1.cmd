#locale C.UTF-8
--load $FIXTURES/containerd-shim-v1.json -w 160 -o PID,ROLE,NS,CGROUP,COMMAND
