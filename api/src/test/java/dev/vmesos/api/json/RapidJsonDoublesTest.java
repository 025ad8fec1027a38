package dev.vmesos.api.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RapidJsonDoublesTest {

    /**
     * Expected strings were produced by rapidjson 1.1.0 ({@code Writer<StringBuffer>::Double}), the
     * version Mesos bundles, from the exact bit patterns in the first column.
     */
    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "402e000000000000, 15.0",
        "3fb999999999999a, 0.1",
        "444b1ae4d6e2ef50, 1e21",
        "4415af1d78b58c40, 100000000000000000000.0",
        "3e7ad7f29abcaf48, 1e-7",
        "3e8421f5f40d8376, 1.5e-7",
        "40fe240c9fbe76c9, 123456.789",
        "4059000000000000, 100.0",
        "3ee4f8b588e368f1, 0.00001",
        "3eb0c6f7a0b5ed8d, 0.000001",
        "3f201f31f46ed246, 0.000123",
        "0000000000000001, 5e-324",
        "7fefffffffffffff, 1.7976931348623157e308",
        "0010000000000000, 2.2250738585072014e-308",
        "3ff0000000000000, 1.0",
        "c004000000000000, -2.5",
        "54b249ad2594c37d, 1e100",
        "441aabdf2145b430, 123000000000000000000.0",
        "43b12210f47de981, 1234567890123456800.0",
        "3fe5555555555555, 0.6666666666666666",
        "41d954fc4007e6b4, 1700000000.123456",
        "4340000000000000, 9007199254740992.0",
        "4480f0cf064dd592, 1e22",
        // rapidjson 1.1.0 skips the last rounding step once the digits run 9+ places into the
        // fraction; textbook Grisu2 (and Java) would print ...04, ...294, ...757e248 here.
        "3fd3333333333334, 0.30000000000000007",
        "41da94eb3f20e77f, 1783868668.5141295",
        "41d9d6b1a43b72e6, 1734002320.9288879",
        "738597dc5e688e99, 3.0195593790335759e248",
        "a1c374bb510efbf6, -4.8690618893722419e-146",
    })
    void formatsLikeRapidJson(String bits, String expected) {
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
        assertThat(RapidJsonDoubles.toString(value)).isEqualTo(expected);
    }

    @Test
    void writesSignedZeroWithAFraction() {
        assertThat(RapidJsonDoubles.toString(0.0)).isEqualTo("0.0");
        assertThat(RapidJsonDoubles.toString(-0.0)).isEqualTo("-0.0");
    }

    @Test
    void alwaysRoundTrips() {
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            double value = Double.longBitsToDouble(random.nextLong());
            if (Double.isFinite(value)) {
                assertThat(Double.parseDouble(RapidJsonDoubles.toString(value))).isEqualTo(value);
            }
        }
    }
}
