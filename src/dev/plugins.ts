/** Connector plugins the dev stack must load before it is ready (issue #2 §3). */
export const REQUIRED_PLUGINS: { class: string; what: string }[] = [
  { class: 'io.debezium.connector.postgresql.PostgresConnector', what: 'Debezium PostgreSQL source' },
  { class: 'io.debezium.connector.jdbc.JdbcSinkConnector', what: 'Debezium JDBC sink' },
  { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', what: 'FileStream source' },
  { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', what: 'FileStream sink' },
  { class: 'org.apache.camel.kafkaconnector.CamelSinkConnector', what: 'Camel sink (aws2-s3: the S3 sink)' },
];

export const S3_SINK_CLASS = 'org.apache.camel.kafkaconnector.CamelSinkConnector';
