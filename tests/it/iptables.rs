//! The native `iptables`, `iptables-save`, `iptables-restore` against
//! iptables-nft 1.8.9 on the same kernel state: rules added by nsh list
//! (with the REAL tools) exactly as the same rules added by the real tool;
//! rules added by the real tool list the same through nsh and are deleted
//! by nsh; errors match in stdout, stderr and exit status.

use crate::common;

/// One rule (or chain command) per line, as iptables arguments: every
/// match and target of the native subset.
const RULES: &str = r#"-A FORWARD -p tcp -d 192.168.1.2 --dport 8080 -m state --state NEW,ESTABLISHED,RELATED -j ACCEPT
-A FORWARD -o ens5 -i veth2 -j ACCEPT
-A FORWARD ! -i lo ! -o eth+ ! -s 10.0.0.0/8 -j DROP
-P FORWARD DROP
-N MYCH
-A INPUT -p udp --sport 53 -m conntrack --ctstate ESTABLISHED -j MYCH
-A INPUT -p tcp -m multiport --dports 22,80,1000:2000 -m comment --comment "hi there" -j RETURN
-A INPUT -p udp -m multiport --sports 53,67:68 -j ACCEPT
-A INPUT -p icmp --icmp-type echo-request -j ACCEPT
-A INPUT -p icmp --icmp-type 3/1 -j ACCEPT
-A INPUT -m addrtype --dst-type LOCAL -j LOG --log-prefix "x: "
-A INPUT -m addrtype ! --src-type LOCAL,BROADCAST -j LOG --log-level 6
-A INPUT -p tcp -j REJECT --reject-with tcp-reset
-A INPUT -p 47 -j REJECT
-A INPUT -p tcp ! --dport 22 -m conntrack ! --ctstate INVALID -j DROP
-A INPUT -p tcp --sport 1:1023 -j DROP
-A INPUT -p tcp -m tcp --dport http-alt -j ACCEPT
-A INPUT -s 10.1.0.0/255.0.255.0 -j DROP
-A INPUT -s 127.0.0.1 -m comment --comment simple -j ACCEPT
-A INPUT -s 169.254.0.0/16 -d 127.0.0.0/8 -j ACCEPT
-A INPUT -s localhost -d localhost/24 -j ACCEPT
-I INPUT 2 -d 1.2.3.4 -j MYCH
-I INPUT -i veth0 -j ACCEPT
-R INPUT 3 -d 1.2.3.5 -j MYCH
-N OTHER
-A MYCH -g OTHER
-A MYCH
-t nat -A PREROUTING -p tcp -i ens5 --dport 6001 -j DNAT --to-destination 192.168.1.2:8080
-t nat -A PREROUTING -p udp -j DNAT --to-destination 192.168.1.2-192.168.1.5:80-90
-t nat -A POSTROUTING -s 192.168.1.0/255.255.255.0 -o ens5 -j MASQUERADE
-t nat -A POSTROUTING -p tcp -s 127.0.0.1 -d 192.168.255.0/24 -j MASQUERADE --to-ports 1000-2000
-t nat -A POSTROUTING -j SNAT --to-source 1.2.3.4
-t nat -A OUTPUT -p tcp --dport 1000:2000 -j REDIRECT --to-ports 80
-t mangle -A PREROUTING -i eth0 -j ACCEPT
-t raw -A OUTPUT -j ACCEPT
-N GONE
-E GONE GONE2
-X GONE2
-N TMP
-A TMP -j ACCEPT
-F TMP
-Z
"#;

/// Listings of the current state by the tools under `$1/` (empty = the
/// real ones), every table, every listing format.
const LISTINGS: &str = r#"
listings() {
  for t in filter nat mangle raw; do
    "${1}iptables" -t $t -S; "${1}iptables" -t $t -L; "${1}iptables" -t $t -L -n -v --line-numbers
    "${1}iptables" -t $t -L -v -x; "${1}iptables" -t $t -L INPUT -n; echo "rc=$?"
    "${1}iptables" -t $t -S MYCH; echo "rc=$?"; "${1}iptables" -t $t -nvL OUTPUT; echo "rc=$?"
  done 2>&1
  "${1}iptables-save" | sed 's/ on .*/ on DATE/'
  "${1}iptables-save" -c -t nat | sed 's/ on .*/ on DATE/'
}
add_rules() {
  while IFS= read -r l; do [ -n "$l" ] && eval "\"${1}iptables\" $l"; echo "$l: $?"; done <<'RULES_EOF'
"#;

fn script(body: &str) -> String {
    format!("{LISTINGS}{RULES}RULES_EOF\n}}\n{body}")
}

fn sandbox_ok(name: &str, body: &str) -> common::Run {
    let r = common::sandbox_bash(&script(body));
    assert!(
        r.status == 0,
        "{name}: status {}\nstdout:\n{}\nstderr:\n{}",
        r.status,
        r.stdout,
        r.stderr
    );
    r
}

#[test]
fn rules_added_by_nsh_list_as_rules_added_by_iptables() {
    if !common::need_root("rules_added_by_nsh_list_as_rules_added_by_iptables") {
        return;
    }
    let real = sandbox_ok("real", "add_rules ''; listings ''; nft list ruleset");
    let nsh = sandbox_ok(
        "nsh",
        "add_rules \"$NSHBIN/\"; listings ''; nft list ruleset",
    );
    assert_eq!(nsh.stdout, real.stdout);
    assert_eq!(nsh.stderr, real.stderr);
}

#[test]
fn rules_added_by_iptables_list_the_same_through_nsh_and_delete() {
    if !common::need_root("rules_added_by_iptables_list_the_same_through_nsh_and_delete") {
        return;
    }
    let r = sandbox_ok(
        "both",
        r#"add_rules '' >/dev/null
d=$(mktemp -d)
listings '' > $d/real; listings "$NSHBIN/" > $d/nsh
diff -u $d/real $d/nsh || exit 1
# -D by number, then every rule by spec, deleted by nsh
"$NSHBIN/iptables" -D INPUT 1 || exit 2
for t in filter nat mangle raw; do
  iptables -t $t -S | grep '^-A' | sed "s/^-A/-t $t -D/" > $d/dels
  while IFS= read -r l; do eval "\"\$NSHBIN/iptables\" $l" || exit 3; done < $d/dels
done
iptables-save | grep -c '^-A'
exit 0"#,
    );
    assert_eq!(r.stdout, "0\n");
}

#[test]
fn errors_as_iptables_words_them() {
    if !common::need_root("errors_as_iptables_words_them") {
        return;
    }
    let body = r###"
t() { echo "## $*"; "${P}iptables" "$@"; echo "rc=$?"; }
errs() {
t -L FOO
t -S FOO
t -t nat -L FOO
t -A INPUT --x
t -A INPUT -s x -j ACCEPT
t -A INPUT -p tcp --dport 99999 -j ACCEPT
t -A INPUT -p tcp --dport foo -j ACCEPT
t -A INPUT --dport 80 -j ACCEPT
t -N A
t -N A
t -A NOPE -j ACCEPT
t -D INPUT -j ACCEPT
t -D INPUT 5
t -I INPUT 5 -j ACCEPT
t -A INPUT -j NOPE
t -P INPUT FOO
t -P A DROP
t -X NOPE
t -E A B
t -E NOPE C
t -t foo -L
t -A INPUT -j DNAT
t
t -L -A INPUT
t -A INPUT -p tcp -j MASQUERADE
t -A INPUT ! -p all
t -C INPUT -j ACCEPT
t -A INPUT -j ACCEPT; t -C INPUT -j ACCEPT
t -F NOPE
t -Z NOPE
t -X B
t -A B -j ACCEPT; t -X B
t -A INPUT -p tcp -m state --state FOO
t -A INPUT extra
t -R INPUT 9 -j ACCEPT
t -A INPUT -i
t -A INPUT ! ! -s 1.2.3.4
t -I INPUT 0 -j ACCEPT
t -A INPUT -p foo
t -A INPUT -j REJECT --reject-with foo
t -A INPUT -s 1.2.3.4/33
t -t nat -P PREROUTING DROP
t -t nat -A PREROUTING -j DROP
t -A INPUT -m tcp --dport 80 -j ACCEPT
t -A INPUT -p tcp -m udp --dport 53 -j ACCEPT
t -A INPUT -m multiport --dports 80 -j ACCEPT
t -A INPUT -i abcdefghijklmnopq -j ACCEPT
t -A INPUT -j ACCEPT -j DROP
t -N abcdefghijklmnopqrstuvwxyz0123
t -N ACCEPT
t -A input -j ACCEPT
t -A INPUT -p tcp --dport 80:70 -j ACCEPT
t -A INPUT -p tcp --dport 80 --dport 81 -j ACCEPT
t -A INPUT -s 1.2.3.4 -s 1.2.3.5 -j ACCEPT
t -A INPUT -s 300.1.1.1 -j ACCEPT
t -A INPUT -d 10.0.0.1/255.255.0.0 -j ACCEPT
t -t nat -A POSTROUTING -j MASQUERADE --to-ports 80
t -A INPUT -j LOG --log-level foo
t -t nat -A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4:80-70
t -t nat -A PREROUTING -j DNAT --to-destination foo
t -t nat -A PREROUTING -p tcp -j REDIRECT --to-ports 8080
t -A INPUT -p tcp -m state --state NEW --state ESTABLISHED -j ACCEPT
t -D INPUT
t -I
t -A INPUT -j RETURN
t -S
t -t nat -S
iptables-save | sed 's/ on .*/ on DATE/'
}
"###;
    let real = common::sandbox_bash(&format!("{body}\nP= errs"));
    let mut nsh = common::sandbox_bash(&format!("{body}\nP=\"$NSHBIN/\" errs"));
    // Unknown options go to the real tool (same error); nsh's note is for a
    // person at a terminal only (`native::fallback_note`), never in the
    // output of a script.
    assert!(!nsh.stderr.contains("nsh: iptables: form not native"));
    nsh.stderr = nsh
        .stderr
        .lines()
        .filter(|l| !l.starts_with("nsh: "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(nsh, real);
}

#[test]
fn restore_same_as_iptables_restore() {
    if !common::need_root("restore_same_as_iptables_restore") {
        return;
    }
    let body = r#"
go() {
add_rules '' >/dev/null
iptables-save > /tmp/saved
iptables -F; iptables -X; iptables -t nat -F
"${P}iptables-restore" < /tmp/saved; echo rc=$?
iptables-save | sed 's/ on .*/ on DATE/'
nft list ruleset
printf '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT --bogus\nCOMMIT\n' | "${P}iptables-restore"; echo rc=$?
printf '*filter\n:INPUT DROP [0:0]\n-A NOPE -j ACCEPT\nCOMMIT\n' | "${P}iptables-restore"; echo rc=$?
printf '*filter\n:FOO - [0:0]\n-A FOO -m comment --comment "a b" -j ACCEPT\nCOMMIT\n' | "${P}iptables-restore" --noflush; echo rc=$?
printf '*filter\n:INPUT ACCEPT [5:100]\n[3:30] -A INPUT -j ACCEPT\nCOMMIT\n' | "${P}iptables-restore" -c --noflush; echo rc=$?
iptables-save -c | sed 's/ on .*/ on DATE/'
} 2>&1
"#;
    let real = common::sandbox_bash(&script(&format!("{body}\nP= go")));
    let nsh = common::sandbox_bash(&script(&format!("{body}\nP=\"$NSHBIN/\" go")));
    assert_eq!(nsh, real);
}

/// nsh's stderr without its own notes (`nsh: …`, for forms it hands to
/// the real tool).
fn without_notes(mut r: common::Run) -> common::Run {
    r.stderr = r
        .stderr
        .lines()
        .filter(|l| !l.starts_with("nsh: "))
        .map(|l| format!("{l}\n"))
        .collect();
    r
}

#[test]
fn negation_forms_counters_and_foreign_targets_as_iptables() {
    if !common::need_root("negation_forms_counters_and_foreign_targets_as_iptables") {
        return;
    }
    let body = r###"
t() { echo "## $*"; "${P}iptables" "$@"; echo "rc=$?"; }
go() {
t -A INPUT -s ! 1.2.3.4 -j ACCEPT
t -A INPUT -p ! tcp -j ACCEPT
t -A INPUT -i ! lo -j ACCEPT
t -A INPUT -p tcp --dport ! 80 -j ACCEPT
t -A INPUT --dport 80 -p tcp -j ACCEPT
t -A INPUT -p tcp -m tcp ! --sport 80 -j ACCEPT
t -A INPUT ! -m state --state NEW -j ACCEPT
t -A INPUT -m state --state NEW -m state --state ESTABLISHED -j ACCEPT
t -A INPUT -p tcp --dport=80 -j ACCEPT
t -A INPUT --protocol=udp --source-port 53 -j ACCEPT
t -A INPUT -j NOTRACK
t -t raw -A PREROUTING -j NOTRACK
t -A INPUT -p tcp -m multiport ! --dports 80,443 -j DROP
t -A INPUT -m comment --comment 'a"b' -j DROP
t -A INPUT -p icmp ! --icmp-type any -j DROP
t -A INPUT -j LOG --log-prefix 'abc' --log-level debug
t -w -A INPUT -j ACCEPT
t -w 5 -A INPUT -j ACCEPT
t -S -v
t -L -v -n
iptables -L
iptables-save | sed 's/ on .*/ on DATE/'
} 2>&1
"###;
    let real = common::sandbox_bash(&format!("{body}\nP= go"));
    let nsh = common::sandbox_bash(&format!("{body}\nP=\"$NSHBIN/\" go"));
    assert_eq!(
        without_notes(nsh).stdout.replace(
            "nsh: iptables: form not native, running /usr/sbin/iptables\n",
            ""
        ),
        real.stdout
    );
}

#[test]
fn empty_tables_live_counters_and_zeroing_as_iptables() {
    if !common::need_root("empty_tables_live_counters_and_zeroing_as_iptables") {
        return;
    }
    // Counters come from loopback pings (240K bytes: the K/M/G columns).
    let body = r###"
go() {
"${P}iptables" -t nat -L; "${P}iptables" -t nat -S; "${P}iptables" -L -v; "${P}iptables-save"; echo rc=$?
nft list ruleset
iptables -A INPUT -j ACCEPT; iptables -A OUTPUT -p icmp -j ACCEPT; iptables -N X
ping -c 3 -s 40000 -i 0.2 -q 127.0.0.1 >/dev/null
"${P}iptables" -L -v; "${P}iptables" -L -v -x; "${P}iptables-save" -c | sed 's/ on .*/ on DATE/'
"${P}iptables" -S -v; "${P}iptables" -Z INPUT; "${P}iptables" -L -v -Z; "${P}iptables" -nvL
"${P}iptables" -Z -v; "${P}iptables" -Z -v INPUT; "${P}iptables" -t nat -Z -v; "${P}iptables" -L INPUT -Z -v
ping -c 2 -i 0.2 -q 127.0.0.1 >/dev/null
# (`-Z NOPE 1` is left out: iptables prints whatever errno an earlier call
# left, "Bad rule …" or "Incompatible with this kernel" depending on state.)
for a in "OUTPUT 5" "OUTPUT 0" "OUTPUT x" "OUTPUT 1" "OUTPUT 1 2" "-v INPUT 1"; do "${P}iptables" -Z $a; echo "rc=$?"; done
iptables -L -v -x -n
} 2>&1
"###;
    let real = common::sandbox_bash(&format!("{body}\nP= go"));
    let nsh = common::sandbox_bash(&format!("{body}\nP=\"$NSHBIN/\" go"));
    assert_eq!(nsh, real);
}

#[test]
fn more_match_and_target_options_both_ways() {
    if !common::need_root("more_match_and_target_options_both_ways") {
        return;
    }
    // `-m tcp`/`-m udp` without ports: iptables-nft writes the compat
    // match (and -D/-C must find that rule, not `-p tcp` alone).
    let body = r###"
go() {
t() { "${P}iptables" "$@"; echo "rc=$?"; }
t -A FORWARD -p tcp -j ACCEPT
t -A FORWARD -p tcp -m tcp -j ACCEPT
t -A FORWARD -p udp -m udp -j DROP
t -A FORWARD -p tcp -m tcp ! --sport 1:1024 -j ACCEPT
t -C FORWARD -p udp -m udp -j DROP
t -D FORWARD -p tcp -m tcp -j ACCEPT
t -C FORWARD -p tcp -m tcp -j ACCEPT
t -A INPUT -p icmp ! --icmp-type echo-reply -j ACCEPT
t -A INPUT -p icmp --icmp-type 200 -j ACCEPT
t -A INPUT -p icmp --icmp-type 3/200 -j ACCEPT
t -A INPUT -p all -j ACCEPT
t -A INPUT -p udp -m udp ! --sport 10:20 --dport 53 -m comment --comment "x y" -j ACCEPT
t -A INPUT -m addrtype --src-type LOCAL --limit-iface-in -j ACCEPT
t -A INPUT -p tcp -m multiport --ports 1,2 -j ACCEPT
t -A INPUT -p tcp -m conntrack --ctstate NEW,UNTRACKED,SNAT,DNAT -j ACCEPT
t -A INPUT -p tcp -m state --state INVALID,UNTRACKED -j ACCEPT
t -A OUTPUT -j REJECT --reject-with icmp-host-prohibited
t -A OUTPUT -j REJECT --reject-with icmp-admin-prohibited
t -A OUTPUT -j REJECT --reject-with icmp-net-unreachable
t -A OUTPUT -j LOG --log-prefix "a'b" --log-level 7
iptables -S; iptables -L; iptables -L -n -v; iptables-save | sed 's/ on .*/ on DATE/'
"${P}iptables" -S; "${P}iptables" -L; "${P}iptables" -L -n -v; "${P}iptables-save" | sed 's/ on .*/ on DATE/'
"${P}iptables" -D OUTPUT -j LOG --log-prefix "a'b" --log-level 7; echo $?
"${P}iptables" -C INPUT -p icmp ! --icmp-type echo-reply -j ACCEPT; echo $?
} 2>&1
"###;
    let real = common::sandbox_bash(&format!("{body}\nP= go"));
    let nsh = common::sandbox_bash(&format!("{body}\nP=\"$NSHBIN/\" go"));
    assert_eq!(nsh, real);
}

#[test]
fn verbose_modifications_print_as_iptables() {
    if !common::need_root("verbose_modifications_print_as_iptables") {
        return;
    }
    let body = r###"
go() {
${P}iptables -N X; ${P}iptables -N Y; ${P}iptables -v -X | cat -A; ${P}iptables -N X; ${P}iptables -v -X X| cat -A; ${P}iptables -v -F INPUT | cat -A; ${P}iptables -t nat -v -F | cat -A; ${P}iptables -N Z; ${P}iptables -v -F | cat -A; ${P}iptables -v -E Z W| cat -A;  ${P}iptables -v -C INPUT -j ACCEPT; ${P}iptables -v -I INPUT -j ACCEPT; ${P}iptables -v -D INPUT -j ACCEPT; ${P}iptables -v -R INPUT 1 -j ACCEPT
${P}iptables -v -A INPUT -s 1.2.3.4 -p tcp --dport 80 -j ACCEPT; ${P}iptables -v -t nat -A POSTROUTING -o eth0 -j MASQUERADE ; ${P}iptables -v -D INPUT 1 ;  ${P}iptables -v -P INPUT DROP ; ${P}iptables -v -A INPUT ! -i lo -m comment --comment hi -j LOG; ${P}iptables -v -A INPUT ! -s 10.0.0.0/8 ! -d 1.2.3.4 -p udp -m multiport --dports 53,54 -g W
${P}iptables -v -C INPUT ! -i lo -m comment --comment hi -j LOG; ${P}iptables -v -R INPUT 1 -p icmp --icmp-type 8 -j DROP
} 2>&1
"###;
    let real = common::sandbox_bash(&format!("{body}\nP= go"));
    let nsh = common::sandbox_bash(&format!("{body}\nP=\"$NSHBIN/\" go"));
    assert_eq!(nsh, real);
}

#[test]
fn restore_errors_and_test_mode_as_iptables_restore() {
    if !common::need_root("restore_errors_and_test_mode_as_iptables_restore") {
        return;
    }
    let body = r###"
go() {
r() { printf "$1" | "${P}iptables-restore" "${@:2}"; echo "rc=$?"; }
r '*filter\n-A INPUT -j NOPE\nCOMMIT\n'
r '*filter\n-A INPUT -j ACCEPT\n'
r '*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 1.2.3.4\nCOMMIT\n*filter\n:FOO - [0:0]\n-A FOO -j ACCEPT\n-A INPUT -j FOO\nCOMMIT\n'
r '*filter\n-X FOO\nCOMMIT\n'
r '*filter\n-D INPUT -j ACCEPT\nCOMMIT\n'
r '*bogus\nCOMMIT\n'
r 'garbage\n'
r '*filter\n:INPUT BOGUS [0:0]\nCOMMIT\n'
r '*filter\n:INPUT DROP\nCOMMIT\n' --noflush
r '*filter\n-A INPUT -j ACCEPT\nCOMMIT\n' -t
iptables-save | sed 's/ on .*/ on DATE/'
} 2>&1
"###;
    let real = common::sandbox_bash(&format!("{body}\nP= go"));
    let nsh = common::sandbox_bash(&format!("{body}\nP=\"$NSHBIN/\" go"));
    assert_eq!(nsh, real);
}

#[test]
fn failing_restore_changes_nothing() {
    if !common::need_root("failing_restore_changes_nothing") {
        return;
    }
    let body = r###"
go() {
iptables -A INPUT -j ACCEPT; iptables -N K; iptables -A K -j ACCEPT
printf '*filter\n-A INPUT -j DROP\n-D INPUT 1\n-X K\n-A NOPE -j ACCEPT\nCOMMIT\n' | "${P}iptables-restore" --noflush; echo rc=$?
printf '*filter\n:INPUT DROP [0:0]\n-D INPUT 1\nCOMMIT\n' | "${P}iptables-restore"; echo rc=$?
iptables-save | sed 's/ on .*/ on DATE/'
printf "*filter\n-X K\nCOMMIT\n" | "${P}iptables-restore" --noflush; echo rc=$?; iptables -S
} 2>&1
"###;
    let real = common::sandbox_bash(&format!("{body}\nP= go"));
    let nsh = common::sandbox_bash(&format!("{body}\nP=\"$NSHBIN/\" go"));
    assert_eq!(nsh, real);
}

/// The iptables lines of the tutorials (/work/shared/seeds), as written there.
#[test]
fn tutorial_rules_as_iptables() {
    if !common::need_root("tutorial_rules_as_iptables") {
        return;
    }
    let body = r###"
go() {
I=${P}iptables
$I -t nat -A PREROUTING -p tcp -i ens5 --dport 6001 -j DNAT --to-destination 192.168.1.2:8080
$I -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 192.168.255.11:80
$I -t nat -A POSTROUTING -s 192.168.255.0/24 -j MASQUERADE
$I -t nat -A POSTROUTING -s 192.168.1.0/255.255.255.0 -o ens5 -j MASQUERADE
$I -t nat -A POSTROUTING -s 127.0.0.1 -d 192.168.255.0/24 -j MASQUERADE
$I -t nat -A POSTROUTING -o eth0 -s 10.0.2.0/24 -j MASQUERADE
$I -t nat -A OUTPUT -p tcp --dport 8080 -j DNAT --to-destination 192.168.255.11:80
$I -P FORWARD DROP
$I -A FORWARD -p tcp -d 192.168.1.2 --dport 8080 -m state --state NEW,ESTABLISHED,RELATED -j ACCEPT
$I -A FORWARD -o ens5 -i veth2 -j ACCEPT
$I -A FORWARD -i virbr100500 -j ACCEPT
$I -t nat -S; $I -L FORWARD; $I -t nat -L; $I -L
$I -t nat -D POSTROUTING -s 127.0.0.1/32 -d 192.168.255.0/24 -j MASQUERADE; echo $?
$I -t nat -D OUTPUT -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.255.11:80; echo $?
$I -t nat -S; iptables-save | sed 's/ on .*/ on DATE/'; nft list ruleset
} 2>&1
"###;
    let real = common::sandbox_bash(&format!("{body}\nP= go"));
    let nsh = common::sandbox_bash(&format!("{body}\nP=\"$NSHBIN/\" go"));
    assert_eq!(nsh, real);
}

/// The rules Docker installs (addrtype, negated interfaces, user chains).
#[test]
fn docker_rules_as_iptables() {
    if !common::need_root("docker_rules_as_iptables") {
        return;
    }
    let body = r###"
go() {
I=${P}iptables
$I -t nat -N DOCKER
$I -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
$I -t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
$I -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
$I -t nat -A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE
$I -t nat -A DOCKER -i docker0 -j RETURN
$I -t nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
$I -N DOCKER; $I -N DOCKER-ISOLATION-STAGE-1; $I -N DOCKER-ISOLATION-STAGE-2; $I -N DOCKER-USER
$I -A FORWARD -j DOCKER-USER
$I -A FORWARD -j DOCKER-ISOLATION-STAGE-1
$I -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
$I -A FORWARD -o docker0 -j DOCKER
$I -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
$I -A FORWARD -i docker0 -o docker0 -j ACCEPT
$I -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
$I -A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
$I -A DOCKER-ISOLATION-STAGE-1 -j RETURN
$I -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
$I -A DOCKER-ISOLATION-STAGE-2 -j RETURN
$I -A DOCKER-USER -j RETURN
for t in filter nat; do $I -t $t -S; $I -t $t -L; $I -t $t -nvL --line-numbers; done
iptables-save | sed 's/ on .*/ on DATE/'; nft list ruleset
${P}iptables-save | sed 's/ on .*/ on DATE/'
} 2>&1
"###;
    let real = common::sandbox_bash(&format!("{body}\nP= go"));
    let nsh = common::sandbox_bash(&format!("{body}\nP=\"$NSHBIN/\" go"));
    assert_eq!(nsh, real);
}
