"""One evaluation of the tenants sensor, its partition requests applied to the instance as the daemon does."""

import dagster as dg

from gata.orchestration.sensors import SENSOR


def sensor_tick(defs: dg.Definitions, instance: dg.DagsterInstance):
    context = dg.build_sensor_context(instance=instance, definitions=defs)
    result = defs.get_sensor_def(SENSOR).evaluate_tick(context)
    for request in result.dynamic_partitions_requests or []:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
    return result
