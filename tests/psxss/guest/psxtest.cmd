@echo off
lxrun --debug-stdio /bin/echo PSXTEST start
lxrun /bin/hello > NUL 2>&1
lxrun --debug-stdio /bin/echo PSXTEST hello_to_nul=%ERRORLEVEL%
lxrun /bin/hello_asm > NUL
lxrun --debug-stdio /bin/echo PSXTEST hello_asm=%ERRORLEVEL%
lxrun /bin/nonexistent 2> NUL
lxrun --debug-stdio /bin/echo PSXTEST missing=%ERRORLEVEL%
lxrun /bin/notelf 2> NUL
lxrun --debug-stdio /bin/echo PSXTEST notelf=%ERRORLEVEL%
lxrun --frob 2> NUL
lxrun --debug-stdio /bin/echo PSXTEST usage=%ERRORLEVEL%
lxrun --cwd /bin -e FOO=bar --debug-stdio ./echo PSXTEST relative program with "two words"
lxrun /bin/hello
lxrun --debug-stdio /bin/echo PSXTEST hello_console=%ERRORLEVEL%
lxrun /bin/hello_asm
lxrun --debug-stdio /bin/echo PSXTEST hello_asm_console=%ERRORLEVEL%
echo x | lxrun /bin/hello_asm > NUL
lxrun --debug-stdio /bin/echo PSXTEST hello_asm_pipe_in=%ERRORLEVEL%
lxrun /bin/busybox ln -s hello /bin/hello_link
lxrun /bin/hello_link > NUL
lxrun --debug-stdio /bin/echo PSXTEST symlink=%ERRORLEVEL%
lxrun /bin/busybox cp /bin/hello_asm /bin/with:colon
lxrun /bin/with:colon > NUL
lxrun --debug-stdio /bin/echo PSXTEST escaped_name=%ERRORLEVEL%
lxrun --trace --debug-stdio /bin/echo PSXTEST traced
lxrun --debug-stdio /bin/echo PSXTEST done
