/** An OkHttp client calling {@code https://echo.service.consul/}: {@code ./demo.sh okhttp}. */
package dev.connectnative.examples.okhttp;
