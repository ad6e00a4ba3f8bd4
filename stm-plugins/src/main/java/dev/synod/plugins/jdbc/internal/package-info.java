/** JDBC implementation details. Not API: may change in any release. */
package dev.synod.plugins.jdbc.internal;
