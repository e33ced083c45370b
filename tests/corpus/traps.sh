trap 'echo exiting' EXIT
trap 'echo got-term' TERM
kill -TERM $$
echo after-term
f() { trap 'echo inner' EXIT; }
echo end
