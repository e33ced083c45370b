nosuchcommand arg
echo st=$?
./nosuchfile
echo st=$?
/etc/passwd
echo st=$?
echo ok
