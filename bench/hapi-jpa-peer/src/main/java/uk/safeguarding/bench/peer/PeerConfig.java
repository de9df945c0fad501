package uk.safeguarding.bench.peer;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binstore.DatabaseBinaryContentStorageSvcImpl;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.model.entity.StorageSettings;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.jpa.subscription.match.config.SubscriptionProcessorConfig;
import ca.uhn.fhir.jpa.subscription.match.deliver.email.IEmailSender;
import ca.uhn.fhir.jpa.subscription.submit.config.SubscriptionSubmitterConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.EntityManagerFactory;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * The Spring configuration hapi-fhir-jpaserver-starter assembles for R4 (its Application imports,
 * FhirServerConfigR4, StarterJpaConfig, FhirServerConfigCommon), with the starter's default values
 * (application.yaml, AppProperties) and PostgreSQL instead of H2. Left out, as the starter's defaults
 * leave them off: clinical reasoning, CDS hooks, MDM, IPS, websocket subscriptions, Elasticsearch, the
 * web tester UI. Subscriptions are wired as in the starter but no channel type is enabled.
 */
@Configuration
@Import({
  JpaR4Config.class,
  HapiJpaConfig.class,
  ThreadPoolFactoryConfig.class,
  JpaBatch2Config.class,
  Batch2JobsConfig.class,
  SubscriptionSubmitterConfig.class,
  SubscriptionProcessorConfig.class,
  SubscriptionChannelConfig.class
})
public class PeerConfig {

  /** Hikari as Spring Boot configures it for the starter: spring.datasource.hikari.maximum-pool-size 10. */
  @Bean(destroyMethod = "close")
  public DataSource dataSource() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(env("HAPI_DB_URL", "jdbc:postgresql://127.0.0.1:5432/hapi"));
    config.setUsername(env("HAPI_DB_USER", "postgres"));
    config.setPassword(System.getenv("HAPI_DB_PASSWORD"));
    config.setMaximumPoolSize(Integer.parseInt(env("HAPI_DB_POOL", "10")));
    return new HikariDataSource(config);
  }

  /** FhirServerConfigCommon.jpaStorageSettings with AppProperties' defaults. */
  @Bean
  public JpaStorageSettings jpaStorageSettings() {
    JpaStorageSettings s = new JpaStorageSettings();
    s.setIndexMissingFields(StorageSettings.IndexEnabledEnum.DISABLED);
    s.setAutoCreatePlaceholderReferenceTargets(false);
    s.setMassIngestionMode(false);
    s.setEnforceReferentialIntegrityOnWrite(true);
    s.setEnforceReferentialIntegrityOnDelete(true);
    s.setAllowMultipleDelete(false);
    s.setAllowExternalReferences(false);
    s.setIndexStorageOptimized(false);
    s.setMatchUrlCacheEnabled(false);
    s.setDeleteEnabled(true);
    s.setDeleteExpungeEnabled(false);
    s.setExpungeEnabled(true);
    s.setLanguageSearchParameterEnabled(false);
    s.setIndexOnUpliftedRefchains(false);
    s.setSearchPreFetchThresholds(java.util.List.of(13, 503, 2003, -1));
    s.setFetchSizeDefaultMaximum(Integer.MAX_VALUE);
    s.setReuseCachedSearchResultsForMillis(60_000L);
    s.setExpireSearchResultsAfterMillis(60L * 60 * 1000);
    s.setFilterParameterEnabled(true);
    s.setHibernateSearchIndexSearchParams(false);
    s.setHibernateSearchIndexFullText(false);
    s.setStoreResourceInHSearchIndex(false);
    s.setIndexOnContainedResources(false);
    s.setResourceClientIdStrategy(JpaStorageSettings.ClientIdStrategyEnum.ALPHANUMERIC);
    s.setResourceDbHistoryEnabled(true);
    s.setIndexIdentifierOfType(false);
    s.setBulkExportFileRetentionPeriodHours(2);
    return s;
  }

  @Bean
  public PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  /** No subscription channel type enabled (the starter's default). */
  @Bean
  public SubscriptionSettings subscriptionSettings() {
    return new SubscriptionSettings();
  }

  /** No e-mail subscriptions: the starter's no-op sender. */
  @Bean
  public IEmailSender emailSender() {
    return details -> {};
  }

  /** The starter's default binary_storage_mode DATABASE. */
  @Bean
  public IBinaryStorageSvc binaryStorageSvc() {
    return new DatabaseBinaryContentStorageSvcImpl();
  }

  /** StarterJpaConfig.entityManagerFactory with the starter's Hibernate properties. */
  @Primary
  @Bean
  public LocalContainerEntityManagerFactoryBean entityManagerFactory(
      ConfigurableListableBeanFactory beanFactory, FhirContext fhirContext, JpaStorageSettings settings) {
    LocalContainerEntityManagerFactoryBean emf =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, settings);
    Map<String, Object> p = new HashMap<>();
    p.put("hibernate.dialect", HapiFhirPostgresDialect.class.getName());
    p.put("hibernate.archive.scanner", "org.hibernate.boot.archive.scan.internal.DisabledScanner");
    p.put("hibernate.physical_naming_strategy", "org.hibernate.boot.model.naming.CamelCaseToUnderscoresNamingStrategy");
    p.put("hibernate.format_sql", "false");
    p.put("hibernate.show_sql", "false");
    p.put("hibernate.hbm2ddl.auto", "update");
    p.put("hibernate.jdbc.batch_size", "20");
    p.put("hibernate.cache.use_query_cache", "false");
    p.put("hibernate.cache.use_second_level_cache", "false");
    p.put("hibernate.cache.use_structured_entries", "false");
    p.put("hibernate.cache.use_minimal_puts", "false");
    p.put("hibernate.search.enabled", "false");
    emf.setPersistenceUnitName("HAPI_PU");
    emf.setJpaPropertyMap(p);
    emf.setDataSource(dataSource());
    return emf;
  }

  @Primary
  @Bean
  public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
    JpaTransactionManager tm = new JpaTransactionManager();
    tm.setEntityManagerFactory(entityManagerFactory);
    return tm;
  }

  static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
