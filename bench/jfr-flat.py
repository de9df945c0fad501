#!/usr/bin/env python3
# A flat JFR profile: each execution sample charged to its first non-JDK frame, grouped by library.
#   python3 bench/jfr-flat.py recording.jfr    (needs the JDK's jfr on PATH)
# Record one with BENCH_GATEWAY_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/x.jfr,settings=profile,delay=50s,duration=110s'.
# The inclusive counts undercount deep frames: JFR keeps the 64 frames nearest the leaf.
import json,sys,collections,subprocess
out=subprocess.run(['jfr','print','--json','--events','jdk.ExecutionSample',sys.argv[1]],capture_output=True,text=True).stdout
d=json.loads(out)
ev=d['recording']['events']
cats=[('io.netty','Netty'),('io.vertx.pgclient','PG client'),('io.vertx.sqlclient','PG client'),('io.vertx','Vert.x core'),
('ca.uhn.fhir','HAPI FHIR'),('org.hl7','HAPI FHIR'),('com.fasterxml.jackson','Jackson'),('io.smallrye.jwt','token verify'),('org.jose4j','token verify'),
('io.smallrye.context','context propagation'),('io.quarkus.arc','ArC/context'),('io.opentelemetry','OpenTelemetry'),('io.smallrye.mutiny','Mutiny'),
('org.jboss.resteasy','RESTEasy/Quarkus'),('io.quarkus','RESTEasy/Quarkus'),('uk.safeguarding.protocol','policy engine'),
('uk.safeguarding.gateway.audit','gateway audit'),('uk.safeguarding.gateway.fhir','gateway FHIR intake'),('uk.safeguarding.gateway.referral','gateway referral'),
('uk.safeguarding.gateway.policy','gateway policy'),('uk.safeguarding.gateway.security','gateway security'),('uk.safeguarding.gateway','gateway other'),
('io.micrometer','Micrometer'),('org.jboss.logmanager','logging'),('org.hibernate','Hibernate')]
flat=collections.Counter(); incl=collections.Counter(); n=0
keys=['FhirIntake.parse','PolicyService.decide','DefaultJWTParser.parse','NewestCheckpoint','ReferralRouting.create','TreeJsonWriter','encodeResourceToString','AuditTrail.record','Standings','ReferralConsent','LanguageCheck','ReferralValidator','OperationOutcomes','Dispatcher','AuditSealer','Sealer','AnomalyDetector','TracingFilter','AuditFilter','SafetyNet']
for e in ev:
    fr=e['values'].get('stackTrace',{}) or {}
    frames=fr.get('frames',[]) or []
    if not frames: continue
    n+=1
    names=[(f['method']['type']['name'] or '').replace('/','.')+'.'+(f['method']['name'] or '') for f in frames]
    cat='JDK/other'
    for nm in names:
        if nm.startswith(('java.','jdk.','sun.','javax.')): continue
        for pre,c in cats:
            if nm.startswith(pre): cat=c; break
        else: cat='other: '+nm.rsplit('.',2)[0]
        break
    flat[cat]+=1
    seen=set()
    for nm in names:
        for k in keys:
            if k in nm and k not in seen: seen.add(k); incl[k]+=1
print('samples',n)
for c,v in flat.most_common(25): print(f'{c:35s} {100*v/n:5.1f}%')
print('--- inclusive')
for c,v in incl.most_common(): print(f'{c:35s} {100*v/n:5.1f}%')
