package dev.vmesos.api.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.api.v1.Protos.Resource;
import dev.vmesos.api.v1.Protos.Resource.ReservationInfo;
import dev.vmesos.api.v1.Protos.Value;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResourcesParserTest {

  @Test
  @SuppressWarnings("deprecation") // checks that the legacy role field is not set
  void parsesTheAgentShape() {
    Resources r = ResourcesParser.parse("cpus:24;mem:4096;disk:4096;ports:[31000-32000]");

    assertThat(r.scalars()).containsExactly(
        java.util.Map.entry("cpus", 24.0), java.util.Map.entry("disk", 4096.0), java.util.Map.entry("mem", 4096.0));
    assertThat(r.ranges("ports")).containsExactly(new Resources.Range(31000, 32000));
    assertThat(r.toList()).hasSize(4).allSatisfy(res -> {
      assertThat(res.getReservationsCount()).isZero();
      assertThat(res.hasRole()).isFalse();
    });
    assertThat(r.toList().get(0)).isEqualTo(Resource.newBuilder()
        .setName("cpus").setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(24)).build());
  }

  @Test
  void roleInParenthesesIsAStaticReservation() {
    Resources r = ResourcesParser.parse("cpus(web):4;cpus:2;mem(*):512");

    Resource reserved = r.reservedTo("web").toList().get(0);
    assertThat(reserved.getScalar().getValue()).isEqualTo(4.0);
    assertThat(reserved.getReservationsList()).containsExactly(
        ReservationInfo.newBuilder().setType(ReservationInfo.Type.STATIC).setRole("web").build());
    assertThat(r.unreserved().scalars()).containsEntry("cpus", 2.0).containsEntry("mem", 512.0);
    assertThat(r.scalar("cpus")).isEqualTo(6.0);
  }

  @Test
  void hierarchicalRole() {
    assertThat(ResourcesParser.parse("cpus(eng/web):1").reservedTo("eng/web").scalar("cpus")).isEqualTo(1.0);
  }

  @Test
  void defaultRoleAppliesOnlyWithoutParentheses() {
    Resources r = ResourcesParser.parse("cpus:4;mem(*):1024;disk(other):10", "ads");

    assertThat(r.reservedTo("ads").toString()).isEqualTo("cpus(ads):4");
    assertThat(r.unreserved().toString()).isEqualTo("mem:1024");
    assertThat(r.reservedTo("other").scalar("disk")).isEqualTo(10.0);
  }

  @Test
  void setsAndMultipleRanges() {
    Resources r = ResourcesParser.parse("zones:{b,a,c};ports:[33000-33010, 31000-32000]");

    assertThat(r.toList().get(0).getSet().getItemList()).containsExactly("a", "b", "c");
    assertThat(r.ranges("ports")).containsExactly(
        new Resources.Range(31000, 32000), new Resources.Range(33000, 33010));
  }

  @Test
  void adjacentRangesAreAllowedAndCoalesced() {
    assertThat(ResourcesParser.parse("ports:[1-3,4-6]").ranges("ports")).containsExactly(new Resources.Range(1, 6));
  }

  @Test
  void whitespaceAndTrailingSeparatorsAreTolerated() {
    Resources spaced = ResourcesParser.parse(
        "  cpus : 4 ;  mem (web) : 0.5;ports: [ 1 - 2 ,5-6 ] ; zones:{ a , b };  ; ");

    assertThat(spaced).isEqualTo(ResourcesParser.parse("cpus:4;mem(web):0.5;ports:[1-2,5-6];zones:{a,b}"));
    assertThat(spaced.ranges("ports")).containsExactly(new Resources.Range(1, 2), new Resources.Range(5, 6));
  }

  @Test
  void scalarForms() {
    assertThat(ResourcesParser.parse("cpus:0.5").scalar("cpus")).isEqualTo(0.5);
    assertThat(ResourcesParser.parse("cpus:.25").scalar("cpus")).isEqualTo(0.25);
    assertThat(ResourcesParser.parse("mem:1e3").scalar("mem")).isEqualTo(1000.0);
    assertThat(ResourcesParser.parse("cpus:0.0004").isEmpty()).as("rounds to zero, so dropped").isTrue();
  }

  @Test
  void repeatedNamesAddUp() {
    Resources r = ResourcesParser.parse("cpus:2;cpus:1.5;ports:[1-5];ports:[6-9];zones:{a};zones:{b}");

    assertThat(r.scalar("cpus")).isEqualTo(3.5);
    assertThat(r.ranges("ports")).containsExactly(new Resources.Range(1, 9));
    assertThat(r.toList()).hasSize(3);
    assertThat(r.toString()).isEqualTo("cpus:3.5; ports:[1-9]; zones:{a, b}");
  }

  @Test
  void emptyInputIsEmpty() {
    assertThat(ResourcesParser.parse("")).isEqualTo(Resources.empty());
    assertThat(ResourcesParser.parse(" ; ").isEmpty()).isTrue();
    assertThat(ResourcesParser.parse("ports:[];zones:{}").isEmpty()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "cpus:4; mem:8192; ports:[31000-32000]; disk(role):100",
      "cpus:0.1; mem(a/b):3.333",
      "ports(web):[1-1, 3-5, 7-10]; zones:{x, y}; gpus(*):2",
  })
  void toStringParsesBackToTheSameResources(String text) {
    Resources r = ResourcesParser.parse(text);

    assertThat(r.toString()).isEqualTo(text.replace("(*)", ""));
    assertThat(ResourcesParser.parse(r.toString())).isEqualTo(r);
  }

  @Test
  void toStringRoundTripsArithmeticResults() {
    Resources r = ResourcesParser.parse("cpus:1;ports:[31000-32000]")
        .minus(ResourcesParser.parse("cpus:0.3;ports:[31005-31005]"));

    assertThat(r.toString()).isEqualTo("cpus:0.7; ports:[31000-31004, 31006-32000]");
    assertThat(ResourcesParser.parse(r.toString())).isEqualTo(r);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "cpus:-1                 | cpus:-1                 | the value -1 is negative",
      "cpus:4;mem:-0.5         | mem:-0.5                | the value -0.5 is negative",
      "ports:[32000-31000]     | ports:[32000-31000]     | range 32000-31000 has begin > end",
      "ports:[1-10,5-20]       | ports:[1-10,5-20]       | ranges 1-10 and 5-20 overlap",
      "ports:[5-20, 1-5]       | ports:[5-20, 1-5]       | ranges 1-5 and 5-20 overlap",
      ":4                      | :4                      | the resource name is empty",
      "(web):4                 | (web):4                 | the resource name is empty",
      "cpus:abc                | cpus:abc                | 'abc' is not a value; expected a number",
      "cpus:4x                 | cpus:4x                 | '4x' is not a value",
      "cpus:                   | cpus:                   | no value after ':'",
      "cpus4                   | cpus4                   | there is no ':'",
      "cpus:4:5                | cpus:4:5                | more than one ':'",
      "cpus(web:4              | cpus(web:4              | mismatched parentheses",
      "cpus)web(:4             | cpus)web(:4             | mismatched parentheses",
      "cpus(web)x:4            | cpus(web)x:4            | mismatched parentheses",
      "cpus():4                | cpus():4                | empty role",
      "cpus(-web):4            | cpus(-web):4            | starting with '-'",
      "cpus(a//b):4            | cpus(a//b):4            | empty path component",
      "cpus(..):4              | cpus(..):4              | cannot contain the component '..'",
      "my cpus:4               | my cpus:4               | contains whitespace",
      "ports:[1-5              | ports:[1-5              | ranges must end with ']'",
      "ports:[31000]           | ports:[31000]           | '31000' is not a range; write begin-end",
      "ports:[-5-10]           | ports:[-5-10]           | negative numbers are not allowed",
      "ports:[a-10]            | ports:[a-10]            | 'a' in range 'a-10' is not a non-negative integer",
      "ports:[1-99999999999999999999] | ports:[1-99999999999999999999] | is too large",
      "zones:{a,b              | zones:{a,b              | a set must end with '}'",
      "zones:{a,b,a}           | zones:{a,b,a}           | set item 'a' appears more than once",
      "cpus:1e400              | cpus:1e400              | is too large",
      "ports:[1-2];ports:3     | ports:3                 | 'ports' was already given as ranges and cannot also be a number",
  })
  void errorsNameTheTokenAndTheReason(String text, String token, String reason) {
    assertThatThrownBy(() -> ResourcesParser.parse(text))
        .isInstanceOfSatisfying(ResourcesParseException.class, e -> {
          assertThat(e.token()).isEqualTo(token);
          assertThat(e.reason()).contains(reason);
          assertThat(e.getMessage()).isEqualTo("Invalid resource '" + token + "': " + e.reason());
        });
  }

  @Test
  void invalidDefaultRoleIsRejected() {
    assertThatThrownBy(() -> ResourcesParser.parse("cpus:1", "bad role"))
        .isInstanceOf(ResourcesParseException.class)
        .hasMessageContaining("invalid default role")
        .hasMessageContaining("whitespace");
  }

  @Test
  void jsonArrayForm() {
    Resources r = ResourcesParser.parse("""
        [{"name":"cpus","type":"SCALAR","scalar":{"value":4}},
         {"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":32000}]},"role":null},
         {"name":"mem","type":"SCALAR","scalar":{"value":"512"},"role":"web"},
         {"name":"cpus","type":"SCALAR","scalar":{"value":0.5}}]
        """);

    assertThat(r).isEqualTo(ResourcesParser.parse("cpus:4.5;ports:[31000-32000];mem(web):512"));
  }

  @Test
  void jsonArrayFormTakesTheDefaultRoleWhenNoneIsGiven() {
    Resources r = ResourcesParser.parse("""
        [{"name":"cpus","type":"SCALAR","scalar":{"value":4}},
         {"name":"mem","type":"SCALAR","scalar":{"value":8},"role":"*"}]""", "ads");

    assertThat(r).isEqualTo(ResourcesParser.parse("cpus(ads):4;mem:8"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "[{'type':'SCALAR','scalar':{'value':4}}]                      | [{'type'             | name",
      "[{'name':'cpus','type':'SCALAR','scalar':{'value':-4}}]       | resources[0]         | cpus: scalar value -4 is negative",
      "[{'name':'p','type':'RANGES','ranges':{'range':[{'begin':5,'end':1}]}}] | resources[0] | p: range 5-1 has begin > end",
      "[{'name':'os','type':'TEXT'}]                                 | resources[0]         | resources cannot have type TEXT",
      "[{'name':'cpus','type':'SCALAR','scalar':{'value':4}}        | [{'name':'cpus'      | not a valid JSON array",
      "{'name':'cpus','type':'SCALAR','scalar':{'value':4}}          | {'name':'cpus'       | must be an array",
  })
  void jsonErrors(String json, String tokenStart, String reason) {
    assertThatThrownBy(() -> ResourcesParser.parse(json.replace('\'', '"')))
        .isInstanceOfSatisfying(ResourcesParseException.class, e -> {
          assertThat(e.token()).startsWith(tokenStart.replace('\'', '"'));
          assertThat(e.reason()).contains(reason);
        });
  }

  @Test
  void parseOnResourcesDelegates() {
    assertThat(Resources.parse("cpus:1")).isEqualTo(ResourcesParser.parse("cpus:1"));
    assertThat(Resources.parse("cpus:1").toList()).isEqualTo(List.of(ResourcesParser.parse("cpus:1").toList().get(0)));
  }
}
