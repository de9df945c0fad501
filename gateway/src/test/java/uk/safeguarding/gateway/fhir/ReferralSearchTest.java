package uk.safeguarding.gateway.fhir;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.Date;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import uk.safeguarding.gateway.child.ChildIndex;
import uk.safeguarding.gateway.referral.Fixtures;

/** ServiceRequest search by R4's names, through HAPI's IGenericClient: subject:identifier, authored, _lastUpdated, _count and next. */
@QuarkusTest
class ReferralSearchTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final TokenClientParam SUBJECT = new TokenClientParam("subject:identifier");

    @TestHTTPResource("/fhir")
    URL fhirBase;

    private IGenericClient client(String agency) {
        IGenericClient client = FHIR.newRestfulGenericClient(fhirBase.toString());
        client.registerInterceptor(new BearerTokenAuthInterceptor(ReferralFhirTest.token(agency)));
        AdditionalRequestHeadersInterceptor headers = new AdditionalRequestHeadersInterceptor();
        headers.addHeaderValue("Purpose-Of-Use", "SAFEGUARDING");
        client.registerInterceptor(headers);
        return client;
    }

    private String create(String nhs) {
        ServiceRequest sr = FHIR.newJsonParser().parseResource(ServiceRequest.class,
                ReferralFhirTest.fixture("fhir/service-request-police.json", nhs));
        return client("police:met").create().resource(sr).execute().getId().getIdPart();
    }

    @Test
    void pagesOfCountFollowTheNextLinkAndFiltersUseR4Names() {
        String nhs = Fixtures.nhsNumber();
        for (int i = 0; i < 3; i++) {
            create(nhs);
        }
        IGenericClient mash = client("la:E09000030");
        Bundle first = mash.search().forResource(ServiceRequest.class).where(SUBJECT.exactly().systemAndCode(ChildIndex.NHS_NUMBER, nhs))
                .count(2).returnBundle(Bundle.class).execute();
        assertEquals(3, first.getTotal());
        assertEquals(2, first.getEntry().size());
        assertNotNull(first.getLink("next"), "a next link while more match");
        assertNotNull(((ServiceRequest) first.getEntryFirstRep().getResource()).getMeta().getLastUpdated());
        Bundle second = mash.loadPage().next(first).execute();
        assertEquals(1, second.getEntry().size());
        assertNull(second.getLink("next"));

        Date yesterday = new Date(System.currentTimeMillis() - 86_400_000L);
        assertEquals(3, mash.search().forResource(ServiceRequest.class).where(SUBJECT.exactly().systemAndCode(ChildIndex.NHS_NUMBER, nhs))
                .and(ServiceRequest.AUTHORED.afterOrEquals().day(yesterday)).lastUpdated(new ca.uhn.fhir.rest.param.DateRangeParam(yesterday, null))
                .returnBundle(Bundle.class).execute().getTotal());
        given().auth().oauth2(ReferralFhirTest.token("la:E09000030")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/fhir/ServiceRequest?subject:identifier=" + ChildIndex.NHS_NUMBER + "|" + nhs + "&_lastUpdated=lt2000-01-01")
                .then().statusCode(200).body("total", equalTo(0));
        // The chained form is the same search.
        given().auth().oauth2(ReferralFhirTest.token("la:E09000030")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/fhir/ServiceRequest?subject.identifier=" + ChildIndex.NHS_NUMBER + "|" + nhs)
                .then().statusCode(200).body("total", equalTo(3));
    }

    @Test
    void aParameterTheGatewayDoesNotSupportIsRefusedNotIgnored() {
        given().auth().oauth2(ReferralFhirTest.token("la:E09000030")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/fhir/ServiceRequest?subject:identifier=" + ChildIndex.NHS_NUMBER + "|9434765919&date=ge2026-01-01")
                .then().statusCode(400).body("issue[0].details.coding[0].code", equalTo("SEARCH_PARAMETER_UNKNOWN"))
                .body("issue[0].expression[0]", equalTo("date"));
        given().auth().oauth2(ReferralFhirTest.token("la:E09000030")).header("Purpose-Of-Use", "SAFEGUARDING")
                .when().get("/fhir/ServiceRequest?subject:identifier=" + ChildIndex.NHS_NUMBER + "|9434765919&_count=1000")
                .then().statusCode(400).body("issue[0].details.coding[0].code", equalTo("SEARCH_NUMBER"));
    }
}
