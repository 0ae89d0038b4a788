#locale C.UTF-8
--load $FIXTURES/k8s-containerd.json -w 160 -o PID,ROLE,NS,CGROUP,COMMAND
