resource "aws_appautoscaling_target" "connect" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.connect.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.desired_count
  max_capacity       = var.max_count
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.connect.service_namespace
  resource_id        = aws_appautoscaling_target.connect.resource_id
  scalable_dimension = aws_appautoscaling_target.connect.scalable_dimension
  target_tracking_scaling_policy_configuration {
    target_value = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# A step policy on consumer lag (published by `kcops monitor` as a custom metric): CPU alone misses sinks that
# wait on a slow database.
resource "aws_appautoscaling_policy" "lag" {
  name               = "${var.name}-lag"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.connect.service_namespace
  resource_id        = aws_appautoscaling_target.connect.resource_id
  scalable_dimension = aws_appautoscaling_target.connect.scalable_dimension
  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 300
    metric_aggregation_type = "Maximum"
    step_adjustment {
      metric_interval_lower_bound = 0
      scaling_adjustment          = 1
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "lag" {
  alarm_name          = "${var.name}-consumer-lag"
  namespace           = "kcops"
  metric_name         = "ConnectorConsumerLag"
  dimensions          = { cluster = var.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  threshold           = 100000
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = [aws_appautoscaling_policy.lag.arn]
}

output "rest_url" {
  value       = "http://${aws_lb.rest.dns_name}:${local.rest_port}"
  description = "Internal URL of the Connect REST API (kcops.yaml: cluster.connect.urls)"
}

output "log_group_name" {
  value       = aws_cloudwatch_log_group.connect.name
  description = "CloudWatch log group of the workers (kcops.yaml: logs)"
}
