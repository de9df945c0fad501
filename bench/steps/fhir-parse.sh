#!/usr/bin/env bash
# title: FHIR parsing
# needs: jmh gateway
# HAPI FHIR R4 JSON parse of a realistic referral transaction Bundle with the strict error handler
# (issue 5's intake), and the gateway's whole CPU-side intake of it (its own classes: strict parse,
# Bundle to referral, domain and language checks), each vs HAPI's lenient default parse of the same
# bytes (JMH SampleTime, p50/p99). "gateway": the benchmark calls the gateway jar's classes.
source "$BENCH_ROOT/bench/lib.sh"

if [[ "$BENCH_QUICK" == 1 ]]; then jmh_opts=(-f 1 -wi 2 -w 1s -i 1 -r 2s); else jmh_opts=(-f 3 -wi 8 -w 3s -i 3 -r 3s); fi  # the intake path needs the longer warm-up to reach its compiled speed
[[ -n "$BENCH_GATEWAY_LIB_JAR" ]] || { say "gateway/target/gateway-*.jar is missing: build the gateway (bench/run does)"; exit 1; }
bytes=$(unzip -p "$BENCH_JAR" bench/referral-bundle.json | wc -c)
results step --title "FHIR parsing" --about "HAPI FHIR $(unzip -p "$BENCH_JAR" META-INF/maven/ca.uhn.hapi.fhir/hapi-fhir-base/pom.properties 2>/dev/null | sed -n 's/^version=//p') \`FhirContext.forR4()\` JSON parse of a referral transaction Bundle (Patient, ServiceRequest, Flag, Consent, DocumentReference; ${bytes} bytes, fictional, accepted by the gateway: \`bench/jmh/src/main/resources/bench/referral-bundle.json\`). \`strict parse\`: with \`StrictErrorHandler\`, as issue 5 requires for intake. \`strict parse + gateway checks\`: the gateway's own classes from its jar, as \`POST /fhir\` runs them before the policy decision and the database: \`FhirIntake.parse\` (duplicate keys, string lengths, strict parse with the path-reporting handler, re-encode and compare with what was sent), \`TransactionIntake.read\` (Bundle to canonical referral, Flag and DocumentReference kept by category), \`ReferralValidator.validate\` (date of birth, NHS number modulus 11, coded risk and concerns, field lengths) and \`LanguageCheck.check\` (the curated victim-blaming phrases over every free-text field); the benchmark's set-up proves the checks run (a wrong NHS check digit and a future date of birth are refused). Baseline for both: HAPI's bare lenient default parse of the same bytes. A new parser per call, as per request. JMH SampleTime, one thread; each run is one JMH fork (JMH ${jmh_opts[*]})."

say "JMH ${jmh_opts[*]} FhirParseBenchmark"
jmh_run 'FhirParseBenchmark' "$BENCH_RUN_DIR/$BENCH_STEP-jmh.json" "$BENCH_RUN_DIR/logs/$BENCH_STEP-jmh.log" "${jmh_opts[@]}"
results jmh --json "$BENCH_RUN_DIR/$BENCH_STEP-jmh.json" --percentiles 50,99 \
    --pair 'strict parse|strictParse|lenient parse (HAPI default)|lenientParse' \
    --pair 'strict parse + gateway checks|strictParseAndChecks|lenient parse (HAPI default)|lenientParse'
note "No issue sets a numeric target for parsing or the domain checks. The checks row is CPU only: no token check, policy decision or database write (the referral-intake step measures the whole request)."
