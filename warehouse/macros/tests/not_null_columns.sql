{#- None of the columns is null: one scan for all of a model's required columns (fails with the rows). -#}
{% test gata_not_null_columns(model, columns) %}
select *
from {{ model }}
where {% for c in columns %}{{ c }} is null{{ " or " if not loop.last }}{% endfor %}
{% endtest %}
