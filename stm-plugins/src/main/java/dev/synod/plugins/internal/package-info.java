/** Implementation details shared by the back-ends. Not API: may change in any release. */
package dev.synod.plugins.internal;
