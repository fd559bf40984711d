# A read replica of the throwaway CI site, for opportunity_plus/tests/test_read_replica.py.
# Sourced by .ci/run. A second MariaDB server (its own data folder, port and socket under the run
# folder) replicates the site's database from the machine's server. That server must write a binary
# log: when it does not, and this is CI running as root, replica_prepare restarts it with the binary
# log on (command-line options only: no configuration file is changed, and the next ordinary start
# of the server is as before); anywhere else it says why it skips.
#
#   replica_prepare DIR          -> 0, or 1 with the reason in REPLICA_SKIP
#   replica_attach SITE_CONFIG   -> copies the site's database, starts replication, writes the
#                                   replica's address into the site config
#   replica_stop                 -> stops the replica server and removes its data

REPLICA_DIR=
REPLICA_PORT=
REPLICA_SKIP=
REPLICA_ROOT_PASSWORD=replica-root
REPLICA_USER=opp_plus_ci_repl
REPLICA_USER_PASSWORD=opp-plus-ci-repl

primary_sql() { mariadb -uroot "-p${PRIMARY_ROOT_PASSWORD:-root}" -h127.0.0.1 -P3306 -N -B -e "$1"; }
replica_sql() { mariadb -uroot "-p$REPLICA_ROOT_PASSWORD" -h127.0.0.1 -P"$REPLICA_PORT" -N -B -e "$1"; }

wait_for() {
	local tries=$1
	shift
	for _ in $(seq 1 "$tries"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
	return 1
}

# start_primary: the machine's MariaDB server, started as the machine starts it, with the binary log
# on and Frappe's collation (which the machine's own start may have set at run time only)
start_primary() {
	start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --log-bin=mariadb-bin \
		--server-id=1 --binlog-format=ROW --expire-logs-days=1 --collation-server=utf8mb4_unicode_ci
	wait_for 60 primary_sql "select 1" || return 1
	primary_sql "SET GLOBAL innodb_buffer_pool_size=4294967296" >/dev/null 2>&1 || true
}

# ensure_primary: the MariaDB server answers; when it is down and this runs as root, start it
ensure_primary() {
	primary_sql "select 1" >/dev/null 2>&1 && return 0
	[ "$(id -u)" = 0 ] && command -v mariadbd >/dev/null || return 1
	say "the MariaDB server does not answer: starting it"
	start_primary
}

replica_prepare() {
	REPLICA_DIR=$1
	if ! replica_start; then
		say "skipped: $REPLICA_SKIP"
		return 1
	fi
}

replica_start() {
	local log_bin
	[ "$(id -u)" = 0 ] || { REPLICA_SKIP="starting a second MariaDB server needs root"; return 1; }
	for tool in mariadb mariadbd mariadb-install-db mariadb-dump mariadb-admin; do
		command -v "$tool" >/dev/null || { REPLICA_SKIP="$tool is not installed"; return 1; }
	done
	log_bin=$(primary_sql "select @@log_bin" 2>/dev/null) || {
		REPLICA_SKIP="cannot reach the MariaDB server as root on 127.0.0.1:3306"
		return 1
	}
	if [ "$log_bin" != 1 ]; then
		if [ "$(id -u)" != 0 ] || [ -z "${CI:-}" ]; then
			REPLICA_SKIP="the MariaDB server writes no binary log (CI turns it on; or add log_bin and server_id=1 to its config)"
			return 1
		fi
		say "restarting the MariaDB server with its binary log on (for the read replica)"
		mariadb-admin -uroot "-p${PRIMARY_ROOT_PASSWORD:-root}" -h127.0.0.1 shutdown || true
		wait_for 60 sh -c '! pgrep -x mariadbd'
		start_primary || { REPLICA_SKIP="the MariaDB server did not come back"; return 1; }
		[ "$(primary_sql "select @@log_bin")" = 1 ] || { REPLICA_SKIP="the binary log did not turn on"; return 1; }
	fi
	REPLICA_PORT=$(free_port)
	mkdir -p "$REPLICA_DIR/data" && chown -R mysql:mysql "$REPLICA_DIR" 2>/dev/null
	mariadb-install-db --no-defaults --user=mysql --datadir="$REPLICA_DIR/data" \
		--auth-root-authentication-method=normal >"$ART/replica-install.log" 2>&1 ||
		{ REPLICA_SKIP="mariadb-install-db failed, see replica-install.log"; return 1; }
	(setsid mariadbd --no-defaults --user=mysql --datadir="$REPLICA_DIR/data" --port="$REPLICA_PORT" \
		--bind-address=127.0.0.1 --socket="$REPLICA_DIR/mariadb.sock" --pid-file="$REPLICA_DIR/mariadb.pid" \
		--server-id=2 --skip-log-bin --read-only --skip-name-resolve --character-set-server=utf8mb4 \
		--collation-server=utf8mb4_unicode_ci --innodb-buffer-pool-size=268435456 \
		--log-error="$ART/replica-server.log" </dev/null >/dev/null 2>&1 &)
	wait_for 60 mariadb-admin --socket="$REPLICA_DIR/mariadb.sock" -uroot ping ||
		{ REPLICA_SKIP="the replica server did not start, see replica-server.log"; return 1; }
	mariadb --socket="$REPLICA_DIR/mariadb.sock" -uroot -e \
		"CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '$REPLICA_ROOT_PASSWORD';
		GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; ALTER USER 'root'@'localhost' IDENTIFIED BY '$REPLICA_ROOT_PASSWORD';" ||
		{ REPLICA_SKIP="could not set up the replica's root user"; return 1; }
	say "replica server on 127.0.0.1:$REPLICA_PORT ($REPLICA_DIR)"
}

# replica_attach SITE_CONFIG_JSON: replicate the site's database and tell the site where the replica is
replica_attach() {
	local config=$1 db password running
	db=$("$PY3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["db_name"])' "$config")
	password=$("$PY3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["db_password"])' "$config")
	primary_sql "CREATE USER IF NOT EXISTS '$REPLICA_USER'@'127.0.0.1' IDENTIFIED BY '$REPLICA_USER_PASSWORD';
		GRANT REPLICATION SLAVE ON *.* TO '$REPLICA_USER'@'127.0.0.1';" || return 1
	replica_sql "SET GLOBAL replicate_do_db='$db'" || return 1
	# a consistent copy with the binary log position it was taken at (CHANGE MASTER TO ... LOG_POS)
	mariadb-dump -uroot "-p${PRIMARY_ROOT_PASSWORD:-root}" -h127.0.0.1 --single-transaction --master-data=1 \
		--databases "$db" | mariadb -uroot "-p$REPLICA_ROOT_PASSWORD" -h127.0.0.1 -P"$REPLICA_PORT" || return 1
	replica_sql "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=3306, MASTER_USER='$REPLICA_USER',
		MASTER_PASSWORD='$REPLICA_USER_PASSWORD'; START SLAVE;
		CREATE USER '$db'@'%' IDENTIFIED BY '$password'; GRANT SELECT ON \`$db\`.* TO '$db'@'%';" || return 1
	wait_for 30 replica_running || return 1
	frappe_cmd --site "$(basename "$(dirname "$config")")" set-config replica_host 127.0.0.1 >/dev/null &&
		frappe_cmd --site "$(basename "$(dirname "$config")")" set-config replica_db_port "$REPLICA_PORT" --parse >/dev/null &&
		frappe_cmd --site "$(basename "$(dirname "$config")")" set-config opportunity_plus_replica_root_password \
			"$REPLICA_ROOT_PASSWORD" >/dev/null
}

replica_running() {
	[ "$(mariadb -uroot "-p$REPLICA_ROOT_PASSWORD" -h127.0.0.1 -P"$REPLICA_PORT" -e 'show slave status\G' |
		grep -cE '^ *Slave_(IO|SQL)_Running: Yes')" = 2 ]
}

replica_stop() {
	[ -n "$REPLICA_PORT" ] || return 0
	mariadb-admin -uroot "-p$REPLICA_ROOT_PASSWORD" -h127.0.0.1 -P"$REPLICA_PORT" shutdown >/dev/null 2>&1 ||
		{ [ -f "$REPLICA_DIR/mariadb.pid" ] && kill "$(cat "$REPLICA_DIR/mariadb.pid")" 2>/dev/null; }
	wait_for 30 sh -c "! mariadb-admin --socket='$REPLICA_DIR/mariadb.sock' ping"
	primary_sql "DROP USER IF EXISTS '$REPLICA_USER'@'127.0.0.1'" >/dev/null 2>&1
	rm -rf "$REPLICA_DIR"
	REPLICA_PORT=
}
