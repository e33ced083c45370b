sleep 5 &
pid=$!
kill $pid
wait $pid; echo waited=$?
( exit 7 ) & wait $!; echo st=$?
echo done
