{#-
  Convert a money expression from its currency into the tenant's reporting currency with the dated rate
  of its month (fx_rates seed). Same currency: the amount unchanged. Rounded to cents. The seed's columns
  are prefixed (fx_*) so the caller's unqualified `currency` or `order_date` never binds to them.
-#}
{% macro gata_to_reporting(amount, currency, on_date, reporting_currency) -%}
case
    when {{ currency }} = '{{ reporting_currency }}' then ({{ amount }})::decimal(18,2)
    else round(({{ amount }}) * (
        select to_rate.units_per_usd / from_rate.units_per_usd
        from {{ ref('fx_rates') }} as from_rate
        inner join {{ ref('fx_rates') }} as to_rate
            on to_rate.fx_month = from_rate.fx_month and to_rate.fx_currency = '{{ reporting_currency }}'
        where from_rate.fx_currency = {{ currency }}
          and from_rate.fx_month = date_trunc('month', least(greatest(({{ on_date }})::date, date '2023-01-01'),
                                                             date '2027-12-01'))
    ), 2)::decimal(18,2)
end
{%- endmacro %}
