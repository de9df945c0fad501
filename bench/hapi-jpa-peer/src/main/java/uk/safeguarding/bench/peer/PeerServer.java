package uk.safeguarding.bench.peer;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.narrative.INarrativeGenerator;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.LoggingInterceptor;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * The peer's entry point: the Spring context of {@link PeerConfig}, then the FHIR RestfulServer the
 * starter builds (StarterJpaConfig.restfulServer with its defaults: resource providers, the system
 * provider for transactions, the JPA capability statement, paging from the database, pretty-printed
 * JSON, no narratives, the response highlighter and the access-logging interceptor) at /fhir on an
 * embedded Jetty. Port from HAPI_HTTP_PORT.
 */
public final class PeerServer {
  private PeerServer() {}

  public static void main(String[] args) throws Exception {
    AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext(PeerConfig.class);
    spring.registerShutdownHook();

    IFhirSystemDao<?, ?> systemDao = spring.getBean(IFhirSystemDao.class);
    systemDao.getContext().setNarrativeGenerator((INarrativeGenerator) null);
    RestfulServer fhir = new RestfulServer(systemDao.getContext());
    fhir.registerProviders(spring.getBean(ResourceProviderFactory.class).createProviders());
    fhir.registerProvider(spring.getBean(IJpaSystemProvider.class));
    JpaCapabilityStatementProvider capabilities = new JpaCapabilityStatementProvider(fhir, systemDao,
        spring.getBean(JpaStorageSettings.class), spring.getBean(ISearchParamRegistry.class),
        spring.getBean(IValidationSupport.class));
    capabilities.setImplementationDescription("HAPI FHIR JPA peer (bench)");
    fhir.setServerConformanceProvider(capabilities);
    fhir.setDefaultPrettyPrint(true);
    fhir.setDefaultResponseEncoding(EncodingEnum.JSON);
    fhir.setPagingProvider(spring.getBean(DatabaseBackedPagingProvider.class));
    fhir.registerInterceptor(new ResponseHighlighterInterceptor());
    LoggingInterceptor access = new LoggingInterceptor();
    access.setLoggerName("fhirtest.access");
    access.setMessageFormat("Path[${servletPath}] Source[${requestHeader.x-forwarded-for}] "
        + "Operation[${operationType} ${operationName} ${idOrResourceName}] UA[${requestHeader.user-agent}] "
        + "Params[${requestParameters}] ResponseEncoding[${responseEncodingNoDefault}]");
    access.setLogExceptions(true);
    access.setErrorMessageFormat("ERROR - ${requestVerb} ${requestUrl}");
    fhir.registerInterceptor(access);
    fhir.setServerAddressStrategy(new IncomingRequestAddressStrategy());

    Server jetty = new Server(Integer.parseInt(PeerConfig.env("HAPI_HTTP_PORT", "8090")));
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(fhir), "/fhir/*");
    jetty.setHandler(context);
    jetty.setStopAtShutdown(true);
    jetty.start();
    jetty.join();
  }
}
