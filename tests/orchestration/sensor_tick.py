"""One evaluation of the tenants sensor, its partition requests applied to the instance as the daemon does
(the daemon applies them before it validates the run requests' partitions; `evaluate_tick` does not)."""

import dagster as dg

from gata.orchestration.sensors import evaluate


def sensor_tick(defs: dg.Definitions, instance: dg.DagsterInstance) -> dg.SensorResult:
    context = dg.build_sensor_context(instance=instance, definitions=defs)
    result = evaluate(context, defs.resources["gata"])
    for request in result.dynamic_partitions_requests or []:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
    return result
