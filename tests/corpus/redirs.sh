d=$(mktemp -d)
echo first > $d/f; echo second >> $d/f; cat $d/f
cat < $d/f | wc -l
echo to-stderr >&2
ls /nonexistent-nsh 2>/dev/null; echo st=$?
ls /nonexistent-nsh 2>&1 | sed 's/.*cannot access.*/ERR/'
{ echo a; echo b >&2; } > $d/g 2>&1; sort $d/g
cat <<EOF
here doc $((1+1)) ok
  indented
EOF
cat <<'EOF'
literal $HOME `x`
EOF
cat <<-EOF
	tab stripped
	EOF
cat <<< "here string"
exec 3> $d/h; echo via3 >&3; exec 3>&-; cat $d/h
echo x > /nonexistent-dir/file; echo st=$?
rm -r $d
