#!/usr/bin/env bash
# title: FHIR parsing
# needs: jmh
# HAPI FHIR R4 JSON parse of a realistic referral transaction Bundle with the strict error handler
# (issue 5's intake) vs HAPI's lenient default parse of the same bytes (JMH SampleTime, p50/p99).
source "$BENCH_ROOT/bench/lib.sh"

if [[ "$BENCH_QUICK" == 1 ]]; then jmh_opts=(-f 3 -wi 3 -w 1s -i 2 -r 1s); else jmh_opts=(-f 3 -wi 4 -w 2s -i 3 -r 2s); fi
bytes=$(unzip -p "$BENCH_JAR" bench/referral-bundle.json | wc -c)
results step --title "FHIR parsing" --about "HAPI FHIR $(unzip -p "$BENCH_JAR" META-INF/maven/ca.uhn.hapi.fhir/hapi-fhir-base/pom.properties 2>/dev/null | sed -n 's/^version=//p') \`FhirContext.forR4()\` JSON parse of a referral transaction Bundle (Patient, ServiceRequest, Flag, Consent, DocumentReference; ${bytes} bytes, fictional: \`bench/jmh/src/main/resources/bench/referral-bundle.json\`) with \`StrictErrorHandler\`, as issue 5 requires for intake, against HAPI's bare lenient default parse of the same bytes. A new parser per call, as per request. JMH SampleTime, one thread; each run is one JMH fork."

say "JMH ${jmh_opts[*]} FhirParseBenchmark"
"$JAVA" -Djava.io.tmpdir="$BENCH_RUN_DIR/tmp" -jar "$BENCH_JAR" 'FhirParseBenchmark' "${jmh_opts[@]}" \
    -rf json -rff "$BENCH_RUN_DIR/$BENCH_STEP-jmh.json" >"$BENCH_RUN_DIR/logs/$BENCH_STEP-jmh.log" 2>&1 \
  || { tail -n 30 "$BENCH_RUN_DIR/logs/$BENCH_STEP-jmh.log" >&2; exit 1; }
results jmh --json "$BENCH_RUN_DIR/$BENCH_STEP-jmh.json" --percentiles 50,99 \
    --pair 'strict parse|strictParse|lenient parse (HAPI default)|lenientParse'
note "Domain checks (date of birth, NHS number modulus 11, coded risk, victim-blaming phrases) are not in this branch yet: when the Referrals feature (issue 5) lands, add a \`strictParseAndChecks\` benchmark beside \`strictParse\` and a pair for it here. No issue sets a numeric target for parsing."
