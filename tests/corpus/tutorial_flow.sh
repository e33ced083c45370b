OUTPUT_IFACE=eth0
echo "masquerade via $OUTPUT_IFACE"
for addr in 10.0.2.1 10.0.2.2 10.0.2.3; do echo "would ping $addr"; done
NS_LIST="ns1 ns2"
for ns in $NS_LIST; do
  echo "netns $ns"
done
sleep 10 &
SERVER=$!
kill $SERVER
wait $SERVER 2>/dev/null
echo "server stopped: $?"
