package uk.safeguarding.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import io.quarkus.security.Authenticated;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.security.NoPurposeRequired;

/**
 * The gateway's published FHIR profiles (module fhir-profiles): StructureDefinitions, CodeSystems,
 * ValueSets and the ImplementationGuide, read by id and searched by url, and the whole FHIR package
 * ({@code package.tgz}, for HAPI's NpmPackageValidationSupport). They say nothing about any child, but
 * like the CapabilityStatement they need a valid token (no purpose): nothing but health and metrics
 * answers without one (docs/SECURITY.md, "Conformance routes"). The same package is attached to the
 * build for clients that load it offline.
 */
@APIResponse(responseCode = "401", ref = "FhirUnauthorized")
@APIResponse(responseCode = "403", ref = "OperationOutcome")
@Path("/fhir")
@ApplicationScoped
@Authenticated
@NoPurposeRequired
@Tag(name = "FHIR conformance", description = "The published FHIR profiles and package; any valid token, no purpose (docs/SECURITY.md)")
public class ConformanceResource {

    /** Where the fhir-profiles jar keeps the package. */
    static final String PACKAGE_DIR = "fhir/package/";
    static final String PACKAGE_TGZ = "fhir/package.tgz";

    private final FhirContext fhir;
    private final OperationOutcomes outcomes;
    /** Type, then id, then the resource's JSON as published. */
    private final Map<String, Map<String, String>> byType = new LinkedHashMap<>();
    private final Map<String, String> idByUrl = new LinkedHashMap<>();

    ConformanceResource(FhirContext fhir, OperationOutcomes outcomes, ObjectMapper json) {
        this.fhir = fhir;
        this.outcomes = outcomes;
        JsonNode index = readJson(json, PACKAGE_DIR + ".index.json");
        for (JsonNode file : index.get("files")) {
            String type = file.get("resourceType").asText();
            String id = file.get("id").asText();
            byType.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(id, read(PACKAGE_DIR + file.get("filename").asText()));
            idByUrl.put(type + " " + file.get("url").asText(), id);
        }
    }

    /** Canonical URLs of the published profiles, for the CapabilityStatement. */
    public List<String> urls(String type) {
        String prefix = type + " ";
        return idByUrl.keySet().stream().filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length())).toList();
    }

    @APIResponse(responseCode = "200", description = "The StructureDefinition, with its snapshot.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "ConformanceResource")))
    @APIResponse(responseCode = "404", ref = "OperationOutcome")
    @GET
    @Path("/StructureDefinition/{id}")
    @Produces(OperationOutcomes.FHIR_JSON)
    @Operation(summary = "A published StructureDefinition by id", description = "safeguarding-referral, child-patient, or an extension: risk-level, requester-contact, note-section, intelligence-grading, handling-code. With its snapshot.")
    public Response structureDefinition(@PathParam("id") String id) {
        return read("StructureDefinition", id);
    }

    @APIResponse(responseCode = "200", description = "A searchset Bundle.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "Bundle")))
    @GET
    @Path("/StructureDefinition")
    @Produces(OperationOutcomes.FHIR_JSON)
    @Blocking
    @Operation(summary = "Search the published StructureDefinitions", description = "By canonical url (?url=); without it, all of them. A searchset Bundle.")
    public Response structureDefinitions(@QueryParam("url") String url, @Context UriInfo uri) {
        return search("StructureDefinition", url, uri);
    }

    @APIResponse(responseCode = "200", description = "The CodeSystem.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "ConformanceResource")))
    @APIResponse(responseCode = "404", ref = "OperationOutcome")
    @GET
    @Path("/CodeSystem/{id}")
    @Produces(OperationOutcomes.FHIR_JSON)
    @Operation(summary = "A published CodeSystem by id", description = "concern-category, note-section, risk-level, handling-code, intelligence-grading, data-category, agency (content not-present).")
    public Response codeSystem(@PathParam("id") String id) {
        return read("CodeSystem", id);
    }

    @APIResponse(responseCode = "200", description = "A searchset Bundle.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "Bundle")))
    @GET
    @Path("/CodeSystem")
    @Produces(OperationOutcomes.FHIR_JSON)
    @Blocking
    @Operation(summary = "Search the published CodeSystems", description = "By canonical url (?url=).")
    public Response codeSystems(@QueryParam("url") String url, @Context UriInfo uri) {
        return search("CodeSystem", url, uri);
    }

    @APIResponse(responseCode = "200", description = "The ValueSet.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "ConformanceResource")))
    @APIResponse(responseCode = "404", ref = "OperationOutcome")
    @GET
    @Path("/ValueSet/{id}")
    @Produces(OperationOutcomes.FHIR_JSON)
    @Operation(summary = "A published ValueSet by id", description = "One per CodeSystem, with the same id.")
    public Response valueSet(@PathParam("id") String id) {
        return read("ValueSet", id);
    }

    @APIResponse(responseCode = "200", description = "A searchset Bundle.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "Bundle")))
    @GET
    @Path("/ValueSet")
    @Produces(OperationOutcomes.FHIR_JSON)
    @Blocking
    @Operation(summary = "Search the published ValueSets", description = "By canonical url (?url=).")
    public Response valueSets(@QueryParam("url") String url, @Context UriInfo uri) {
        return search("ValueSet", url, uri);
    }

    @APIResponse(responseCode = "200", description = "The ImplementationGuide.",
        content = @Content(mediaType = "application/fhir+json", schema = @Schema(ref = "ConformanceResource")))
    @APIResponse(responseCode = "404", ref = "OperationOutcome")
    @GET
    @Path("/ImplementationGuide/{id}")
    @Produces(OperationOutcomes.FHIR_JSON)
    @Operation(summary = "The ImplementationGuide", description = "safeguarding-gateway: package id safeguarding.gateway, depending on hl7.fhir.r4.core 4.0.1.")
    public Response implementationGuide(@PathParam("id") String id) {
        return read("ImplementationGuide", id);
    }

    /** The FHIR NPM package: package/package.json (depends on hl7.fhir.r4.core 4.0.1) and every resource above. */
    @APIResponse(responseCode = "200", description = "The package (gzip tarball).",
        content = @Content(mediaType = "application/gzip", schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @GET
    @Path("/package.tgz")
    @Produces("application/gzip")
    @Operation(summary = "The FHIR NPM package", description = "package.tgz for HAPI's NpmPackageValidationSupport: package/package.json and every resource above.")
    public Response npmPackage() {
        return Response.ok(bytes(PACKAGE_TGZ)).header("Content-Disposition", "attachment; filename=\"package.tgz\"").build();
    }

    private Response read(String type, String id) {
        String resource = byType.getOrDefault(type, Map.of()).get(id);
        if (resource == null) {
            throw new ApiException(404, "NOT_FOUND", "No " + type + " with id " + id + " is published here.", List.of());
        }
        return Response.ok(resource).build();
    }

    private Response search(String type, String url, UriInfo uri) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.addLink().setRelation("self").setUrl(uri.getRequestUri().toString());
        byType.getOrDefault(type, Map.of()).forEach((id, json) -> {
            if (url == null || id.equals(idByUrl.get(type + " " + url))) {
                Resource resource = (Resource) fhir.newJsonParser().parseResource(json);
                bundle.addEntry().setFullUrl(uri.getBaseUriBuilder().path("fhir/" + type + "/" + id).build().toString())
                        .setResource(resource).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
            }
        });
        bundle.setTotal(bundle.getEntry().size());
        return Response.ok(outcomes.encode(bundle)).build();
    }

    private static JsonNode readJson(ObjectMapper json, String name) {
        try {
            return json.readTree(bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(String name) {
        return new String(bytes(name), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String name) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("The FHIR package is missing from the classpath: " + name
                        + " (module fhir-profiles)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
