# Non-secret inputs of the prod environment. Secrets never go here: the pipeline reads them from Secrets Manager.
# The Confluent ids are the ones kcops.yaml gives prod (environmentId, kafkaClusterId): `kcops validate` checks
# that the two agree, and that every connector of connectors/prod/ is deployed by this root.
region                   = "eu-west-1"
vpc_id                   = "vpc-0f1e2d3c4b5a69788"
vpc_cidr                 = "10.40.0.0/16"
private_subnet_ids       = ["subnet-0a1a2b2b3c3c4d4d5", "subnet-0e5e6f6f7a7a8b8b9", "subnet-0c9c0d0d1e1e2f2f3"]
ci_oidc_provider_arn     = "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com"
confluent_environment_id = "env-prod01"
organization_id          = "1111aaaa-11aa-11aa-11aa-111111aaaaaa"
kafka_cluster_id         = "lkc-prod01"
privatelink_zones        = ["euw1-az1", "euw1-az2", "euw1-az3"]
# The replica the JDBC sink writes to and the source database of the CDC connector, reached over egress PrivateLink.
database_endpoints = {
  replica_db = {
    nlb_arn = "arn:aws:elasticloadbalancing:eu-west-1:210987654321:loadbalancer/net/replica-db/0a1b2c3d4e5f6071"
    domain  = "replica-db.prod.example.com"
  }
  payments_db = {
    nlb_arn = "arn:aws:elasticloadbalancing:eu-west-1:210987654321:loadbalancer/net/payments-db/8293a4b5c6d7e8f9"
    domain  = "payments-db.prod.example.com"
  }
}
