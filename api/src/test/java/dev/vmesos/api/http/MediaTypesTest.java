package dev.vmesos.api.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class MediaTypesTest {

    @Test
    void mimeTypesAreTheBareMesosStrings() {
        assertThat(MediaType.JSON.mime()).isEqualTo("application/json");
        assertThat(MediaType.PROTOBUF.mime()).isEqualTo("application/x-protobuf");
        assertThat(MediaTypes.TEXT_PLAIN_UTF8).isEqualTo("text/plain; charset=utf-8");
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "application/json                 | JSON",
        "application/x-protobuf           | PROTOBUF",
        "application/json; charset=utf-8  | JSON",
        "Application/JSON;charset=UTF-8   | JSON",
        "'  application/x-protobuf  '     | PROTOBUF",
        "APPLICATION/X-PROTOBUF ; q=1     | PROTOBUF",
    })
    void contentTypeIsLenient(String header, MediaType expected) {
        assertThat(MediaTypes.contentType(header)).contains(expected);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "text/plain", "application/jsonx", "application/protobuf", "application/*", "*/*"})
    void contentTypeRejectsMissingOrOtherTypes(String header) {
        assertThat(MediaTypes.contentType(header)).isEmpty();
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
        "''                                                     | JSON",
        "'   '                                                  | JSON",
        "*/*                                                    | JSON",
        "*                                                      | JSON",
        "application/json                                       | JSON",
        "application/x-protobuf                                 | PROTOBUF",
        "application/x-protobuf, application/json               | JSON",
        "application/x-protobuf;q=0.9, application/json;q=0.1   | JSON",
        "application/*                                          | JSON",
        "APPLICATION/X-PROTOBUF                                 | PROTOBUF",
        "application/json; charset=utf-8                        | JSON",
        "application/json;q=0, application/x-protobuf           | PROTOBUF",
        "application/json; q=0, */*                             | PROTOBUF",
        "application/*;q=0, application/x-protobuf              | PROTOBUF",
        "*/*;q=0.1, application/json;q=0                        | PROTOBUF",
        "text/html, application/x-protobuf;q=0.5                | PROTOBUF",
        "text/html                                              | NONE",
        "text/*, image/png                                      | NONE",
        "application/json;q=0, application/x-protobuf;q=0.000   | NONE",
        "*/*;q=0                                                | NONE",
        "application/*;q=0, */*                                 | NONE",
        "garbage, application/x-protobuf                        | PROTOBUF",
    })
    void negotiatePrefersJsonThenProtobuf(String accept, String expected) {
        Optional<MediaType> chosen = MediaTypes.negotiate(accept);
        if (expected == null) {
            assertThat(chosen).isEmpty();
        } else {
            assertThat(chosen).contains(MediaType.valueOf(expected));
        }
    }

    @Test
    void missingAcceptGivesJson() {
        assertThat(MediaTypes.negotiate(null)).contains(MediaType.JSON);
    }
}
