package dev.vmesos.api.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmesos.api.v1.Protos.Attribute;
import dev.vmesos.api.v1.Protos.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributesParserTest {

  @Test
  void readsTextScalarRangesAndSetsInOrder() {
    List<Attribute> attributes = AttributesParser.parse("rack:r1;zone:us-east-1a;level:10;ports:[1-5, 8-9];set:{a, b}");

    assertThat(attributes).extracting(Attribute::getName).containsExactly("rack", "zone", "level", "ports", "set");
    assertThat(attributes).extracting(Attribute::getType).containsExactly(Value.Type.TEXT, Value.Type.TEXT,
        Value.Type.SCALAR, Value.Type.RANGES, Value.Type.SET);
    assertThat(attributes.get(0).getText().getValue()).isEqualTo("r1");
    assertThat(attributes.get(1).getText().getValue()).isEqualTo("us-east-1a");
    assertThat(attributes.get(2).getScalar().getValue()).isEqualTo(10.0);
    assertThat(attributes.get(3).getRanges().getRangeList()).extracting(r -> r.getBegin() + "-" + r.getEnd())
        .containsExactly("1-5", "8-9");
    assertThat(attributes.get(4).getSet().getItemList()).containsExactly("a", "b");
  }

  @Test
  void followsMesosOnSeparatorsSpacesAndNumbers() {
    // New lines separate too, empty pieces are skipped, spaces inside a value are dropped, the value
    // is split at the first ':' only, and a negative or fractional number is still a scalar.
    List<Attribute> attributes = AttributesParser.parse(" os : centos 7 ;\n\nurl:http://x;temp:-1.5;");

    assertThat(attributes).extracting(Attribute::getName).containsExactly("os", "url", "temp");
    assertThat(attributes.get(0).getText().getValue()).isEqualTo("centos7");
    assertThat(attributes.get(1).getText().getValue()).isEqualTo("http://x");
    assertThat(attributes.get(2).getScalar().getValue()).isEqualTo(-1.5);
    assertThat(AttributesParser.parse("")).isEmpty();
  }

  @Test
  void aBadAttributeIsNamedWithWhatIsWrong() {
    assertThatThrownBy(() -> AttributesParser.parse("rack:r1;zone")).hasMessage(
        "Invalid attribute 'zone': expected name:value, e.g. rack:r1");
    assertThatThrownBy(() -> AttributesParser.parse(":r1")).hasMessage("Invalid attribute ':r1': the attribute name is empty");
    assertThatThrownBy(() -> AttributesParser.parse("rack:")).hasMessage("Invalid attribute 'rack:': no value after ':'");
    assertThatThrownBy(() -> AttributesParser.parse("ports:[5-1]")).hasMessage(
        "Invalid attribute 'ports:[5-1]': range 5-1 has begin > end");
    assertThatThrownBy(() -> AttributesParser.parse("ports:[1-5")).hasMessageStartingWith(
        "Invalid attribute 'ports:[1-5': ranges must end with ']'");
    assertThatThrownBy(() -> AttributesParser.parse("ports:[]")).hasMessage("Invalid attribute 'ports:[]': no range in []");
    assertThatThrownBy(() -> AttributesParser.parse("rack:r[1]")).hasMessageStartingWith(
        "Invalid attribute 'rack:r[1]': unexpected '['");
    assertThatThrownBy(() -> AttributesParser.parse("my rack:r1")).hasMessageContaining("contains whitespace");
    assertThatThrownBy(() -> AttributesParser.parse("set:{a,a}")).hasMessage(
        "Invalid attribute 'set:{a,a}': set item 'a' appears more than once");
  }
}
