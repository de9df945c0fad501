package uk.safeguarding.gateway.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exempts a route from the {@value PurposeOfUse#HEADER} header: only for routes that disclose
 * nothing about a child (who am I, capability statements).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface NoPurposeRequired {
}
