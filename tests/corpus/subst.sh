echo "$(echo nested $(echo deep))"
x=`echo back`; echo $x
lines=$(printf 'a\nb\n\n'); echo "[$lines]"
echo $(false); echo st=$?
n=$(echo 1; exit 5); echo $? $n
files=$(cd / && echo *bin* | wc -w); echo $files
