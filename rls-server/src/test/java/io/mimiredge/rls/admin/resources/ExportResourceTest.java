package io.mimiredge.rls.admin.resources;

import static io.mimiredge.rls.admin.Decisions.deny;
import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Reason;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DropwizardExtensionsSupport.class)
class ExportResourceTest {
  private final AdminFixture f = new AdminFixture(AdminFixture.TOKEN);

  @SuppressWarnings("unused")
  private final ResourceExtension resources = f.resources;

  @Test
  void denialsAsCsvWithQuoting() {
    f.api
        .recorder()
        .record(
            Door.HTTP_PUSH,
            deny("a", Reason.INGESTION_RATE, 7, "limit 10, burst 100 (\"global\")\nsee docs"),
            1);
    f.api.recorder().record(Door.HTTP_PUSH, deny(null, Reason.MISSING_TENANT, 0, "no org id"), 1);
    try (Response r = f.request("/api/export/csv?what=denials").get()) {
      assertThat(r.getStatus()).isEqualTo(200);
      assertThat(r.getMediaType().toString()).startsWith("text/csv");
      assertThat(r.getHeaderString("Content-Disposition")).contains("rls-denials.csv");
      assertThat(r.readEntity(String.class))
          .isEqualTo(
              "time,tenant,door,reason,status,verdict,items,series,retry_after_seconds,message,"
                  + "not_counted\r\n"
                  + "2025-01-31T12:00:00.000Z,,http_push,missing_tenant,401,deny,0,0,,no org id,"
                  + "\r\n"
                  + "2025-01-31T12:00:00.000Z,a,http_push,ingestion_rate,429,deny,7,0,3,"
                  + "\"limit 10, burst 100 (\"\"global\"\")\nsee docs\",\r\n");
    }
  }

  @Test
  void tenantsAsCsv() throws Exception {
    f.loadOverrides("overrides: {b: {ingestion_rate: 2.5e3}, \"a*(x)\": {request_rate: 1}}");
    try (Response r = f.request("/api/export/csv?what=tenants").get()) {
      assertThat(r.getStatus()).isEqualTo(200);
      String[] lines = r.readEntity(String.class).split("\r\n");
      assertThat(lines).hasSize(3);
      assertThat(lines[0]).startsWith("id,mode,ingestion_rate,ingestion_burst_size,request_rate,");
      assertThat(lines[1])
          .startsWith("a*(x),enforce,10000,200000,1,0,0,0,,100,100,0,0,,true,false");
      assertThat(lines[2]).startsWith("b,enforce,2500,200000,0,0,0,0,,100,,0,0,,true,false");
    }
  }

  @Test
  void unknownExportIs400() {
    try (Response r = f.request("/api/export/csv?what=secrets").get()) {
      assertThat(r.getStatus()).isEqualTo(400);
      assertThat(r.readEntity(String.class)).contains("what must be tenants or denials");
    }
    try (Response r = f.request("/api/export/csv").get()) {
      assertThat(r.getStatus()).isEqualTo(400);
    }
  }

  @Test
  void csvFieldQuoting() {
    assertThat(Csv.field("plain")).isEqualTo("plain");
    assertThat(Csv.field("a,b")).isEqualTo("\"a,b\"");
    assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(Csv.field("two\r\nlines")).isEqualTo("\"two\r\nlines\"");
    assertThat(Csv.field(null)).isEmpty();
    assertThat(Csv.field(1.0e7)).isEqualTo("10000000");
    assertThat(Csv.field(0.25)).isEqualTo("0.25");
  }
}
