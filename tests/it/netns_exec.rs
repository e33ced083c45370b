//! `ip netns exec` inside nsh: the command runs in the namespace (natives
//! in-process, programs forked into it), with iproute2's errors and
//! statuses. Compared with bash + the real ip in the same sandbox.

use crate::common::{need_root, sandbox_bash};

const SCRIPT: &str = r#"ip netns exec nosuch true; echo "rc=$?"
ip netns exec a; echo "rc=$?"
ip netns e a echo hi; echo "rc=$?"
ip netns exec a /nonexist; echo "rc=$?"
ip netns exec a nosuchcmd; echo "rc=$?"
ip netns exec a sh -c 'exit 3'; echo "rc=$?"
ip netns exec a ip link
ip netns exec a ip -o link show lo
ip netns exec a sysctl -w net.ipv4.ip_forward=1
ip netns exec a sysctl net.ipv4.ip_forward
sysctl net.ipv4.ip_forward
ip netns exec a ping -c 1 -W 1 127.0.0.1 | head -2
ip netns exec a iptables -A INPUT -s 10.9.9.9 -j DROP
ip netns exec a iptables -S INPUT
iptables -S INPUT
ip netns exec a ip link add v1 type veth peer name v2
ip -n a -br link show type veth | sort
ip -br link show type veth
"#;

#[test]
fn netns_exec_same_as_iproute2() {
    if !need_root("netns_exec_same_as_iproute2") {
        return;
    }
    let driver = format!(
        r#"cat > /run/t.sh <<'NSHTEST'
{SCRIPT}NSHTEST
ip netns add a; ip -n a link set lo up
bash /run/t.sh > /run/bash.out 2>&1
ip netns del a; ip netns add a; ip -n a link set lo up
"$NSH" --native /run/t.sh > /run/nsh.out 2>&1
sed -i -E 's/time=[0-9.]+ ms/time=T ms/; s/([0-9a-f]{{2}}:){{5}}[0-9a-f]{{2}}/MAC/g' /run/bash.out /run/nsh.out
diff /run/bash.out /run/nsh.out && echo SAME
"#
    );
    let r = sandbox_bash(&driver);
    assert!(r.stdout.contains("SAME"), "{}\n{}", r.stdout, r.stderr);
}
