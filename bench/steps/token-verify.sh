#!/usr/bin/env bash
# title: Token verification
# needs: jmh
# Token verification as the gateway does it (SmallRye JWT on jose4j) vs a bare RS256 signature
# verify of the same Keycloak-shaped token (JMH SampleTime, p50/p99; one run = one JMH fork).
source "$BENCH_ROOT/bench/lib.sh"

if [[ "$BENCH_QUICK" == 1 ]]; then jmh_opts=(-f 1 -wi 2 -w 1s -i 1 -r 2s); else jmh_opts=(-f 3 -wi 4 -w 2s -i 3 -r 2s); fi
results step --title "Token verification" --about "What the gateway does with every bearer token (SmallRye JWT $(unzip -p "$BENCH_JAR" META-INF/maven/io.smallrye/smallrye-jwt/pom.properties 2>/dev/null | sed -n 's/^version=//p') on jose4j: parse the JWS, choose the key from the JWKS by \`kid\`, verify RS256, check \`iss\`, \`aud\`, \`exp\` with 30 s skew, map \`realm_access.roles\` to groups, read \`agency\`) against the floor: one bare \`java.security.Signature\` SHA256withRSA verify of the same token. The token is shaped like the realm's client-credentials access tokens (RSA 2048, $(head -n1 "$BENCH_KEYS/tokens.txt" | tr -d '\n' | wc -c) characters). JMH SampleTime, one thread; each run is one JMH fork ($([[ "$BENCH_QUICK" == 1 ]] && echo "--quick: one fork" || echo "3 forks"), JMH ${jmh_opts[*]})."

say "JMH ${jmh_opts[*]} TokenVerifyBenchmark"
"$JAVA" -Djava.io.tmpdir="$BENCH_RUN_DIR/tmp" -jar "$BENCH_JAR" 'TokenVerifyBenchmark' "${jmh_opts[@]}" \
    -rf json -rff "$BENCH_RUN_DIR/$BENCH_STEP-jmh.json" >"$BENCH_RUN_DIR/logs/$BENCH_STEP-jmh.log" 2>&1 \
  || { tail -n 30 "$BENCH_RUN_DIR/logs/$BENCH_STEP-jmh.log" >&2; exit 1; }
results jmh --json "$BENCH_RUN_DIR/$BENCH_STEP-jmh.json" --percentiles 50,99 \
    --pair 'SmallRye JWT parse + verify|smallryeJwtVerify|bare RS256 verify|bareRs256Verify'
note "No issue sets a target for token verification; the ratio is the cost of claim checks, JSON and the JsonWebToken over the RSA arithmetic itself."
