set -e
false || echo handled
if false; then :; fi
! true
f() { false; echo not-reached-in-f; }
f || echo f-failed
echo before
false
echo after
