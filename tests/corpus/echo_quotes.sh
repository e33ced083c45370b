echo plain 'single quoted' "double $HOME_X quoted" $'ansi\tc' a\ b
echo -n no newline; echo
echo -e 'tab\there' -E; echo -- -n
x="a  b   c"; echo $x; echo "$x"
printf '%s|%5s|%-5s|%d\n' one two three 42
printf '%03d %x %o %.2f %c\n' 7 255 8 3.14159 word
printf 'no args\n'; printf '%s\n' a b c
