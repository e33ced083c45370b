B=${B:-brctl}
t() { echo "== $*"; $B "$@"; echo "st=$?"; }
t show
t addbr br0
t addbr br0
t addbr br1
ip link add v1 type veth peer name v2
ip link add v3 type veth peer name v4
t addif br0 v1
t addif br0 v3
t addif br0 v3
t addif br0 nope
t addif nope v2
t show
t show br0
t show nope
t delif br0 v3
t delif br0 v3
t show
ip link set br1 up
t delbr br1
t delbr br0
t delbr nope
t show
t
t foo
t addbr
t foo
t addbr
t addif br0
t delif br0 nope
t addbr br0
t delif br0 nope
ip link add v1 type veth peer name v2
t delif br0 v1
t delif nope v1
t show br0 br1
t addbr averyveryverylongname
t show
t delbr v1
