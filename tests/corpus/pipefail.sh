false | true; echo $?
set -o pipefail
false | true; echo $?
true | false | true; echo $?
echo x | { read v; echo "read $v"; }
