d=$(mktemp -d); cd $d; touch b.sh a.sh c.txt .hidden
echo *.sh; echo *; echo .*; echo nomatch*; echo "*.sh"; echo \*.sh
for f in *.txt; do echo "file $f"; done
echo [ab].sh ?.txt
cd /; rm -r $d
